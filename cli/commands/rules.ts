import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../../common/config';
import type { EngineEvent } from '../../common/events/engine-event';
import { eventsQueueName } from '../../common/events/queues';
import { matches, parseTriggerConfig, type Rule } from '../../common/events/rules';
import type { EventJobData } from '../../workers/lib/redis';
import { recentJobs } from './events';

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
  rules
    .command('check')
    .description(
      'validate a rules file (errors name the path of the bad value) and show what each rule would match among recent events',
    )
    .argument('<file>', 'the rules file (JSON)')
    .option('-n, --last <count>', 'recent events to try the rules on', (v) => Number(v), 200)
    .action(async (file: string, o: { last: number }) => {
      const config = parseTriggerConfig(readFileSync(file, 'utf8'), file); // throws RulesError → "dockhand: <file>: rules.0…"
      console.log(
        `${file}: ${config.rules.length} rule(s), valid${config.webhook ? `; deploy webhook on ${config.webhook.host}:${config.webhook.port}` : ''}`,
      );
      const events = await recentEngineEvents(o.last);
      if (!events) console.log('(Redis does not answer: cannot try the rules on recent events)');
      for (const r of config.rules) {
        const hits = (events ?? []).filter((e) => matches(r, e));
        console.log(`  ${describeRule(r)}`);
        if (events)
          console.log(
            `    would match ${hits.length} of the last ${events.length} events${
              hits.length
                ? `, e.g. ${hits
                    .slice(-3)
                    .map((e) => `${e.name ?? e.id.slice(0, 12)}@${e.host}`)
                    .join(', ')}`
                : ''
            }`,
          );
      }
    });
}

async function recentEngineEvents(last: number): Promise<EngineEvent[] | undefined> {
  const connection = new Redis(loadConfig().redisUrl, {
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
