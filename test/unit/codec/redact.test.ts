import { describe, expect, it } from 'vitest';
import { boundTail, redactText } from '../../../common/redact';
import { reportableOutput, secretValuesOf } from '../../../activities/docker/container-secrets';
import { parseEnvFile } from '../../../activities/docker/env-files';

describe('redaction', () => {
  it('replaces known secret values, secret-named assignments, URL passwords and bearer tokens', () => {
    expect(redactText('connecting with pw=hunter2hunter2 to db', ['hunter2hunter2'])).toBe(
      'connecting with pw=<redacted> to db',
    );
    expect(redactText('sudo curl -H DB_PASSWORD=hunter2hunter2 https://x')).toBe(
      'sudo curl -H DB_PASSWORD=<redacted, 14 chars> https://x',
    );
    expect(redactText('ADD https://user:s3cretpass@example.com/a.tgz /')).toBe(
      'ADD https://user:<redacted>@example.com/a.tgz /',
    );
    expect(redactText('Authorization: Bearer abcdefghijklmnop')).toBe('Authorization: Bearer <redacted>');
    expect(redactText('"api_key": "zzzzzzzz"')).toBe('"api_key": "<redacted, 8 chars>"');
    expect(redactText('key AKIAABCDEFGHIJKLMNOP')).toBe('key <redacted AWS access key id>');
    // A variable reference is not a value.
    expect(redactText('echo TOKEN=$TOKEN')).toBe('echo TOKEN=$TOKEN');
    // Too short to redact without mangling everything.
    expect(redactText('a b c', ['b'])).toBe('a b c');
  });

  it('bounds output to its last lines, each cut', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    expect(boundTail(text, 3, 100)).toBe('…(27 earlier lines not shown)\nline 27\nline 28\nline 29');
    expect(boundTail('x'.repeat(10), 5, 4)).toBe('xxxx …(cut)');
  });

  it("takes a container's secrets from the values its secret-env label names", () => {
    const inspect = {
      Config: {
        Env: ['PLAIN=visible-value', 'DB_PASS=opensesame', 'FROM_FILE=filevalue1'],
        Labels: { 'dockhand.secret-env': 'DB_PASS,FROM_FILE' },
      },
    } as never;
    expect(secretValuesOf(inspect)).toEqual(['opensesame', 'filevalue1']);
    expect(reportableOutput('boot: opensesame filevalue1 visible-value', secretValuesOf(inspect))).toBe(
      'boot: <redacted> <redacted> visible-value',
    );
  });

  it('an env file line without "=" is never echoed (it may be a raw secret)', () => {
    const shadow = 'root:$6$salt$hashhashhash:19000:0:99999:7:::';
    expect(() => parseEnvFile(shadow, 'spec.envFiles.0 (/s)')).toThrow(
      'spec.envFiles.0 (/s) line 1: neither KEY=value nor a variable name (the line is not shown: it may be a secret)',
    );
    try {
      parseEnvFile(shadow, 'f');
    } catch (e) {
      expect((e as Error).message).not.toContain('hashhash');
    }
  });
});
