import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const dir = path.join(__dirname, '../fixtures/cyclonedx');
const load = (name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as object;

/** A validator for the CycloneDX 1.7 JSON schema (vendored in test/fixtures/cyclonedx; see its README). */
export function cyclonedxValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  // Registered under their own $id (http://cyclonedx.org/schema/…), which the BOM schema's relative refs resolve to.
  ajv.addSchema(load('spdx.schema.json'));
  ajv.addSchema(load('jsf-0.82.schema.json'));
  // Only cryptographic-asset properties use these two enums (Trivy's package SBOMs have none): they stand
  // in as plain strings, since the definitions file is not shipped with the schema's Go module.
  ajv.addSchema(
    { definitions: { algorithmFamiliesEnum: { type: 'string' }, ellipticCurvesEnum: { type: 'string' } } },
    'http://cyclonedx.org/schema/cryptography-defs.schema.json',
  );
  const validate = ajv.compile(load('bom-1.7.schema.json'));
  return (bom: unknown): string[] =>
    validate(bom) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The tool scripts/stack.sh builds from scripts/trivy-db: it writes the tests' vulnerability database. */
export function trivyDbTool(env: NodeJS.ProcessEnv = process.env): string {
  const cache =
    env['DOCKHAND_CACHE_DIR'] ??
    path.join(env['XDG_CACHE_HOME'] ?? path.join(env['HOME'] ?? '/root', '.cache'), 'dockhand');
  return path.join(cache, 'trivy-db-tool');
}
