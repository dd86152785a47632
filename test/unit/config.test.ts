import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, loadConfig, readVariable } from '../../common/config';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_NAMES = Object.keys(ENVIRONMENT).sort();

/** Variable names in the first column of the table under `## <heading>` in docs/configuration.md. */
function documented(heading: string): string[] {
  const text = readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/configuration.md has no "## ${heading}"`);
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!).sort();
}

/** Non-test TypeScript sources of the project. */
function sources(dir = ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (['node_modules', 'test', 'bench', 'dist', '.dockhand', '.git'].includes(name)) return [];
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

describe('configuration', () => {
  it('docs/configuration.md documents exactly the variables of the schema', () => {
    expect(documented('Workers and CLI')).toEqual(SCHEMA_NAMES);
  });

  it('the stack script variables are documented, read by scripts/stack.sh and not by the code', () => {
    const stack = readFileSync(path.join(ROOT, 'scripts/stack.sh'), 'utf8');
    const names = documented('The stack script');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(stack, name).toContain(name);
      expect(SCHEMA_NAMES, name).not.toContain(name);
    }
  });

  it('every variable has a doc string', () => {
    for (const [name, schema] of Object.entries(ENVIRONMENT)) expect(schema.description, name).toBeTruthy();
  });

  it('every variable the code reads by name is in the schema', () => {
    const read = new Set<string>();
    for (const file of sources())
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?:\bprocess\.|(?<![.\w$]))env\.([A-Z][A-Z0-9_]*)|readVariable\('([A-Z0-9_]+)'/g,
      ))
        read.add((m[1] ?? m[2])!);
    expect(read.size).toBeGreaterThan(5);
    expect([...read].filter((name) => !SCHEMA_NAMES.includes(name))).toEqual([]);
  });

  it('only common/config.ts reads variables from process.env by name', () => {
    const pending: string[] = [];
    const direct = sources()
      .map((file) => path.relative(ROOT, file))
      .filter((file) => /process\.env\.[A-Z]/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(direct.filter((file) => !pending.includes(file))).toEqual([]);
  });

  it('defaults match the stack', () => {
    const c = loadConfig({ DOCKHAND_HOST_ID: 'h1' });
    expect(c).toEqual({
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      redisUrl: 'redis://127.0.0.1:6379',
      hostId: 'h1',
      orchestratorTaskQueue: 'dockhand-orchestrator',
      temporalUiUrl: 'http://127.0.0.1:8233',
      dockerHost: undefined,
      eventsQueue: 'dockhand-events',
      publishEvents: true,
      hostRegistry: 'default',
      hostHeartbeatMs: 5000,
      reportsDir: path.resolve('.dockhand/reports'),
      workflowCacheDir: path.resolve('.dockhand/workflow-bundles'),
      notifyWebhookUrl: undefined,
      notifyWebhookSecret: undefined,
      notifySlackUrl: undefined,
      notifyPagerDutyKey: undefined,
      notifyPagerDutyUrl: 'https://events.pagerduty.com/v2/enqueue',
      memorySampleMs: 15_000,
      memoryThresholdPct: 90,
      rulesPath: 'dockhand-rules.json',
    });
    expect(loadConfig({}).hostId).toMatch(/^[a-z0-9][a-z0-9_.-]*$/);
    expect(loadConfig({ TEMPORAL_UI_PORT: '9000' }).temporalUiUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ DOCKHAND_METRICS_PORT: '26001' }).metricsPort).toBe(26001);
    expect(() => loadConfig({ DOCKHAND_METRICS_PORT: 'x', DOCKHAND_NOTIFY_WEBHOOK_SECRET: 'short' })).toThrow(
      'bad configuration: DOCKHAND_NOTIFY_WEBHOOK_SECRET="<hidden>" is too short: use at least 16 characters (or file:<path>); DOCKHAND_METRICS_PORT="x" is not a port number',
    );
    expect(loadConfig({ DOCKHAND_EVENTS_PUBLISH: '0', DOCKHAND_MEMORY_SAMPLE_MS: '0' })).toMatchObject({
      publishEvents: false,
      memorySampleMs: 0,
    });
    expect(loadConfig({ DOCKHAND_WORKFLOW_CACHE_DIR: 'off' }).workflowCacheDir).toBeUndefined();
    expect(loadConfig({ DOCKHAND_WORKFLOW_CACHE_DIR: '/var/cache/dockhand' }).workflowCacheDir).toBe(
      '/var/cache/dockhand',
    );
  });

  it('a bad value is an error naming the variable and the value', () => {
    expect(() => readVariable('DOCKHAND_HOST_HEARTBEAT_MS', { DOCKHAND_HOST_HEARTBEAT_MS: '50' })).toThrow(
      'DOCKHAND_HOST_HEARTBEAT_MS="50" must be an integer of at least 100',
    );
    expect(() => readVariable('DOCKHAND_MEMORY_SAMPLE_MS', { DOCKHAND_MEMORY_SAMPLE_MS: 'soon' })).toThrow(
      'DOCKHAND_MEMORY_SAMPLE_MS="soon" is not a number of milliseconds',
    );
    expect(() => readVariable('DOCKHAND_MEMORY_THRESHOLD_PCT', { DOCKHAND_MEMORY_THRESHOLD_PCT: '0' })).toThrow(
      'DOCKHAND_MEMORY_THRESHOLD_PCT="0" is not a percentage (1-100)',
    );
    expect(() => loadConfig({ DOCKHAND_HOST_ID: 'a b' })).toThrow(/DOCKHAND_HOST_ID="a b" is not a host id/);
    expect(() => loadConfig({ DOCKHAND_EVENTS_PUBLISH: 'yes' })).toThrow(
      'DOCKHAND_EVENTS_PUBLISH="yes" must be 0 or 1',
    );
    expect(() => loadConfig({ DOCKHAND_NOTIFY_WEBHOOK_URL: 'nope' })).toThrow(
      'DOCKHAND_NOTIFY_WEBHOOK_URL="nope" is not a URL',
    );
    // Every bad value at once, so a misconfigured worker is fixed in one go.
    const both = () => loadConfig({ LOG_LEVEL: 'loud', DOCKHAND_EVENTS_QUEUE: 'a b' });
    expect(both).toThrow('LOG_LEVEL="loud" is not a log level');
    expect(both).toThrow('DOCKHAND_EVENTS_QUEUE="a b" is not a queue name');
  });
});
