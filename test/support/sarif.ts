import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** A validator for the official SARIF 2.1.0 JSON schema (OASIS, draft-07), vendored in test/fixtures/sarif. */
export function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log: unknown): string[] =>
    validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
