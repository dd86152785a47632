import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../cli/lib/processes';
import { patientHealthcheck, useBlueGreenWorld } from '../support/blue-green';
import { waitFor } from '../support/wait';

// Every process of this file — its workers, its client, the CLI's codec server — shares one key
// (vitest runs each file in a process of its own, and the workers inherit this environment). The
// host agent may read secrets from the file's directory and one variable.
const secretDir = mkdtempSync(path.join(os.tmpdir(), 'trust-secrets-'));
const SECRETS = {
  env: `plain-env-${randomBytes(6).toString('hex')}`,
  agentVar: `agent-var-${randomBytes(6).toString('hex')}`,
  file: `file-secret-${randomBytes(6).toString('hex')}`,
  envFile: `env-file-${randomBytes(6).toString('hex')}`,
};
writeFileSync(path.join(secretDir, 'db-password'), `${SECRETS.file}\n`);
writeFileSync(path.join(secretDir, 'app.env'), `API_TOKEN=${SECRETS.envFile}\nLOG_FORMAT=json\n`);
Object.assign(process.env, {
  DOCKHAND_CODEC_KEYS: `trust-k2=${randomBytes(32).toString('base64')},trust-k1=${randomBytes(32).toString('base64')}`,
  DOCKHAND_AGENT_SECRET_FILES: secretDir,
  DOCKHAND_AGENT_SECRET_ENV: 'TRUST_AGENT_SECRET',
  TRUST_AGENT_SECRET: SECRETS.agentVar,
});
const CODEC_PORT = 23000 + Math.floor(Math.random() * 400);

const world = useBlueGreenWorld('trust-codec', { healthTimeoutMs: 30_000, bakeMs: 0 });

/** The Temporal CLI on the shared stack (no codec unless asked): the workflow's history as JSON. */
function historyJson(workflowId: string, extra: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      [
        path.join(ROOT, 'scripts/stack.sh'),
        'temporal',
        'workflow',
        'show',
        '-w',
        workflowId,
        '--output',
        'json',
        ...extra,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`temporal workflow show: ${code} ${err}`)),
    );
  });
}

/** Every string in the JSON, and what each decodes to as base64 (payload data is base64). */
function readableText(json: string): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v, Buffer.from(v, 'base64').toString('latin1'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(json));
  return out.join('\n');
}

describe('nothing secret in history', () => {
  it('a failed deploy with secret env, an env file and a container that prints them leaves no secret in raw history; the codec server shows the inputs', async () => {
    const handle = await world.deploy('v1', {
      spec: {
        image: 'dockhand-fixture-app:v1',
        init: true,
        network: world.network,
        healthcheck: patientHealthcheck,
        env: { PLAIN_SETTING: SECRETS.env },
        secretEnv: {
          DB_PASSWORD: { file: path.join(secretDir, 'db-password') },
          AGENT_SECRET: { fromEnv: 'TRUST_AGENT_SECRET' },
        },
        envFiles: [path.join(secretDir, 'app.env')],
        // Prints every secret it was given, then dies before it is healthy.
        command: [
          '/bin/busybox',
          'sh',
          '-c',
          'echo "config: db=$DB_PASSWORD agent=$AGENT_SECRET token=$API_TOKEN plain=$PLAIN_SETTING"; exit 3',
        ],
        entrypoint: [],
      },
    });
    const failure = await handle.result().then(
      () => undefined,
      (e: Error) => e,
    );
    // What the user sees (decoded by this client's codec): the container's logs, its secrets redacted.
    const chain: string[] = [];
    for (let e: unknown = failure; e instanceof Error; e = e.cause) chain.push(e.message);
    const shown = chain.join('\n');
    expect(shown).toContain('exited with code 3');
    expect(shown).toContain('db=<redacted> agent=<redacted> token=<redacted>');
    for (const s of [SECRETS.agentVar, SECRETS.file, SECRETS.envFile]) expect(shown).not.toContain(s);

    const raw = readableText(await historyJson(handle.workflowId));
    expect(raw).toContain('binary/encrypted');
    expect(raw).toContain('trust-k2');
    for (const s of Object.values(SECRETS)) expect(raw, s).not.toContain(s);
    expect(raw).not.toContain('exited with code 3'); // failure texts are encrypted too

    // The real command, as an operator starts it for the Web UI.
    const server = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/dockhand.js'), 'codec-server', '--port', String(CODEC_PORT)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let said = '';
    server.stdout.on('data', (d: Buffer) => (said += d.toString()));
    const exited = new Promise((r) => server.once('exit', r));
    try {
      await waitFor(() => said.includes('codec server listening'), 30_000, 'the codec server');
      expect(said).toContain('keys: trust-k2, trust-k1; encrypting with trust-k2');
      const decoded = readableText(
        await historyJson(handle.workflowId, ['--codec-endpoint', `http://127.0.0.1:${CODEC_PORT}`]),
      );
      // The inputs as given: the plain env value, the secret references (file and variable names) …
      expect(decoded).toContain(SECRETS.env);
      expect(decoded).toContain(path.join(secretDir, 'db-password'));
      expect(decoded).toContain('TRUST_AGENT_SECRET');
      expect(decoded).toContain('exited with code 3');
      // … but never a secret's value: those were redacted on the agent before they left it.
      for (const s of [SECRETS.agentVar, SECRETS.file, SECRETS.envFile]) expect(decoded, s).not.toContain(s);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
  });
});
