import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { newRedis } from '../../client/redis-connection';
import { loadConfig } from '../../common/config';
import type { EngineEvent } from '../../common/events/engine-event';
import { eventsQueueName } from '../../common/events/queues';
import { matches, parseTriggerConfig, type Rule } from '../../common/events/rules';
import type { EventJobData } from '../../workers/lib/redis';
import { recentJobs } from './events';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { CliError } from '../lib/exit-codes';
import { int } from '../lib/parsers';

function describeRule(r: Rule): string {
  const m = r.match;
  const labels = Object.entries(m.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const on = [
    `${m.type} ${m.action}${m.status ? `: ${m.status}` : ''}`,
    labels && `labels ${labels}`,
    m.service && `service ${m.service}`,
    m.host && `host ${m.host}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${r.name}${r.enabled ? '' : ' (disabled)'}: on ${on} → ${r.workflow} ${JSON.stringify(r.args)}`;
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('the trigger rules file');
  examples(rules, 'dockhand rules check dockhand-rules.json');
  const check = rules
    .command('check')
    .description(
      'validate a rules file (errors name the path of the bad value) and show what each rule would match among recent events',
    )
    .argument('<file>', 'the rules file (JSON)')
    .option('-n, --last <count>', 'recent events to try the rules on', int, 200)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (file: string, o: { last: number; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const config = parseTriggerConfig(text, file); // throws RulesError → "dockhand: <file>: rules.0…"
      const events = await recentEngineEvents(o.last);
      const rulesOut = config.rules.map((r) => {
        const hits = (events ?? []).filter((e) => matches(r, e));
        return { rule: r, matches: events ? hits.length : null, of: events?.length ?? null, examples: hits.slice(-3) };
      });
      if (o.json)
        return emit(
          true,
          { file, valid: true, webhook: config.webhook ?? null, rules: rulesOut, redis: Boolean(events) },
          '',
        );
      console.log(
        `${file}: ${config.rules.length} rule(s), valid${config.webhook ? `; deploy webhook on ${config.webhook.host}:${config.webhook.port}` : ''}`,
      );
      if (!events) console.log('(Redis does not answer: cannot try the rules on recent events)');
      for (const { rule: r, matches: count, examples: hits } of rulesOut) {
        console.log(`  ${describeRule(r)}`);
        if (events)
          console.log(
            `    would match ${count} of the last ${events.length} events${
              hits.length ? `, e.g. ${hits.map((e) => `${e.name ?? e.id.slice(0, 12)}@${e.host}`).join(', ')}` : ''
            }`,
          );
      }
    });
  examples(check, 'dockhand rules check dockhand-rules.json -n 500');
}

async function recentEngineEvents(last: number): Promise<EngineEvent[] | undefined> {
  const connection = newRedis(loadConfig().redisUrl, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  connection.on('error', () => undefined);
  const queue = new Queue<EventJobData>(eventsQueueName(), { connection });
  try {
    const jobs = await recentJobs(queue, last);
    return jobs.map((j) => j.job.data).filter((d): d is EngineEvent => !('deliveryId' in d));
  } catch {
    return undefined;
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}
