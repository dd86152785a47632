import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DockhandConfig } from '../../../common/config';
import { MAX_DESK_BATCH } from '../../../workers/lib/desk-batcher';
import { Slots } from '../../../workers/lib/slots';
import { workerConcurrency } from '../../../workers/lib/trigger-concurrency';
import { createJobProcessor } from '../../../workers/lib/trigger-processor';
import { autohealRule, unhealthyJob } from '../../support/autoheal-events';

const rule = (batch?: 'host') => autohealRule(batch ? { batch } : {});
const job = (i: number) => unhealthyJob('h1', i);

/** A Temporal client double whose signal-with-start answers when released, recording how many ran at once. */
function slowClient() {
  const calls: Array<{ workflowId: string; events: number }> = [];
  let open = 0;
  let most = 0;
  const release: Array<() => void> = [];
  const client = {
    workflow: {
      signalWithStart: async (_type: string, o: { workflowId: string; signalArgs: [{ events?: unknown[] }] }) => {
        calls.push({ workflowId: o.workflowId, events: o.signalArgs[0].events?.length ?? 1 });
        most = Math.max(most, ++open);
        await new Promise<void>((r) => release.push(r));
        open--;
        return { workflowId: o.workflowId };
      },
    },
  } as unknown as Client;
  return { client, calls, most: () => most, releaseAll: () => release.splice(0).forEach((r) => r()) };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('trigger concurrency', () => {
  it('takes a whole desk batch more than `concurrency` only when a rule is batched per host', () => {
    expect(workerConcurrency({ concurrency: 8, rules: [rule()] })).toBe(8);
    expect(workerConcurrency({ concurrency: 8, rules: [rule(), rule('host')] })).toBe(8 + MAX_DESK_BATCH);
  });

  it('jobs that start their own workflow still run `concurrency` at once', async () => {
    const t = slowClient();
    const process = createJobProcessor(t.client, {} as DockhandConfig, [rule()], undefined, 3);
    const all = Promise.all(Array.from({ length: 10 }, (_, i) => process(job(i))));
    while (t.calls.length < 10) {
      await settle();
      t.releaseAll();
    }
    t.releaseAll();
    await all;
    expect(t.most()).toBe(3); // 10 jobs at once, never more than 3 signal-with-starts in flight
  });

  it('desk jobs take no slot: beyond `concurrency` they share the next signal', async () => {
    const t = slowClient();
    const process = createJobProcessor(t.client, {} as DockhandConfig, [rule('host')], undefined, 2);
    const all = Promise.all(Array.from({ length: 40 }, (_, i) => process(job(i))));
    await settle();
    t.releaseAll(); // the first event went alone; the 39 that came meanwhile go in the next signal
    await settle();
    t.releaseAll();
    await all;
    expect(t.calls.map((c) => c.events)).toEqual([1, 39]);
  });
});

describe('Slots', () => {
  it('holds at most `size` at once and passes a freed slot to the next in arrival order', async () => {
    const slots = new Slots(2);
    const order: number[] = [];
    let open = 0;
    let most = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        slots.run(async () => {
          most = Math.max(most, ++open);
          order.push(i);
          await settle();
          open--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot when the holder throws', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});
