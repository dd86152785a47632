import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../cli/lib/processes';
import { runDemo, type DemoEnd } from '../../client/demo';
import { loadServiceFile } from '../../client/service-file';
import { runCli } from '../support/cli';
import { containersOf, removeNetwork, removeService } from '../support/docker';
import { freePort } from '../support/events';
import { useTestWorkers } from '../support/harness';
import { writeServiceFile } from '../support/service-file';

/** `npm start`'s steps (not the stack and the forever-running workers): the demo service file as
 * shipped, with this file's host, service name, network and a free edge port so it runs beside
 * everything else on the shared engine. From a clean state it reaches "waiting for approval"; the
 * printed approve command, run as printed, switches the printed URL to v2. A second run deploys
 * v1 back and waits again; the printed reject command leaves v2 serving. */
const world = useTestWorkers('demo');
const service = `demo-${world.ids.suffix}`;
const network = `dh-${service}`;
world.onCleanUp(async () => {
  await removeService(service);
  await removeNetwork(network);
});

interface DemoRun {
  lines: string[];
  end: Promise<DemoEnd>;
  ended: boolean;
}

let configPath: string;
let edgePort: number;

function startDemo(): DemoRun {
  const loaded = loadServiceFile(configPath);
  const run: DemoRun = { lines: [], ended: false, end: undefined as unknown as Promise<DemoEnd> };
  run.end = runDemo(world.client, world.config, {
    loaded,
    service,
    nextImage: 'dockhand-fixture-app:v2',
    configArg: configPath,
    requestedBy: 'dana',
    print: (line) => run.lines.push(...line.split('\n')),
  }).finally(() => (run.ended = true));
  run.end.catch(() => undefined); // asserted by the test that awaits it
  return run;
}

/** The first printed line matching `pattern`, once the demo prints it (fails if the demo ends first). */
async function waitForLine(run: DemoRun, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = run.lines.find((l) => pattern.test(l));
    if (line) return line;
    if (run.ended || Date.now() > deadline)
      throw new Error(
        `no line matching ${pattern} (${run.ended ? 'the demo ended' : 'timed out'}):\n${run.lines.join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a printed `npx dockhand …` line as a user would (quoted arguments kept whole): erin, another
 * person than the one who started the demo (dana). */
async function runPrinted(line: string) {
  const command = line.slice(line.indexOf('npx dockhand ') + 'npx dockhand '.length);
  const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  return runCli(args, { DOCKHAND_USER: 'erin', DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue });
}

async function answer(url: string): Promise<string> {
  const res = await fetch(url);
  return `${res.status} ${(await res.text()).trim()}`;
}

describe('the demo (npm start) on a clean state', () => {
  it('deploys v1, waits for approval with the UI link and commands, and the printed approve switches the URL to v2', async () => {
    edgePort = await freePort();
    const demo = parse(readFileSync(path.join(ROOT, 'demo/dockhand.yml'), 'utf8')) as {
      services: Record<string, { edge: object; container: object; bake: string }>;
    };
    const decl = demo.services['dockhand-demo']!;
    configPath = writeServiceFile({
      version: 1,
      hosts: { [world.ids.hostId]: { description: 'the test host' } },
      services: {
        [service]: {
          ...decl,
          edge: { ...decl.edge, port: edgePort },
          container: { ...decl.container, network },
          bake: '2s', // the demo's own bake window, shortened: what is tested is the path to it
        },
      },
    });
    expect(await containersOf(service)).toEqual([]);

    const run = startDemo();
    await waitForLine(run, /Waiting for approval/);
    const url = `http://127.0.0.1:${edgePort}/version`;
    expect(run.lines.join('\n')).toContain(`The service answers throughout on ${url}`);
    expect(run.lines.join('\n')).toContain(
      `${world.config.temporalUiUrl}/namespaces/${world.config.temporalNamespace}/workflows/${encodeURIComponent(`deploy/${service}`)}/`,
    );
    expect(await answer(url)).toBe('200 v1'); // the old version serves while the deploy waits
    const reject = run.lines.find((l) => l.includes(`npx dockhand reject ${service}`));
    expect(reject).toBeDefined();

    const approve = await waitForLine(run, new RegExp(`npx dockhand approve ${service} `));
    const sent = await runPrinted(approve);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`deploy/${service}: approved by erin (1 of 1)`);

    const end = await run.end;
    expect(end).toMatchObject({ outcome: 'succeeded', image: 'dockhand-fixture-app:v2', url });
    expect(end.probe.requests).toBeGreaterThan(0);
    expect(end.probe.failed, end.probe.failures.join('; ')).toBe(0);
    const printedUrl = run.lines.find((l) => l.startsWith('Done:'))!.match(/on (http\S+)/)![1]!;
    expect(await answer(printedUrl)).toBe('200 v2');
  });

  it('run again with v2 live: deploys v1 back and waits again; the printed reject leaves v2 serving', async () => {
    const run = startDemo();
    await waitForLine(run, /Waiting for approval/);
    expect(run.lines.join('\n')).toContain(
      'dockhand-fixture-app:v2 is live already (an earlier run): this run deploys dockhand-fixture-app:v1 back',
    );
    const reject = await waitForLine(run, new RegExp(`npx dockhand reject ${service} `));
    const sent = await runPrinted(reject);
    expect(sent.code, sent.stderr).toBe(0);
    const end = await run.end;
    expect(end.outcome).toBe('failed');
    expect(end.failure).toMatch(/reject/i);
    expect(await answer(`http://127.0.0.1:${edgePort}/version`)).toBe('200 v2');
  });

  it('run again while a deploy waits (an earlier run was stopped): follows that deploy instead of starting another', async () => {
    const first = startDemo();
    await waitForLine(first, /Waiting for approval/);
    const second = startDemo();
    await waitForLine(second, new RegExp(`A change of ${service} is already running \\(blueGreenDeploy`));
    const approve = await waitForLine(second, new RegExp(`npx dockhand approve ${service} `));
    const sent = await runPrinted(approve);
    expect(sent.code, sent.stderr).toBe(0);
    const [a, b] = await Promise.all([first.end, second.end]);
    expect(a).toMatchObject({ outcome: 'succeeded', image: 'dockhand-fixture-app:v1' });
    expect(b).toMatchObject({ outcome: 'succeeded', image: 'dockhand-fixture-app:v1' });
    expect(await answer(`http://127.0.0.1:${edgePort}/version`)).toBe('200 v1');
  });
});
