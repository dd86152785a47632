import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import { probePauseMs } from '../../common/agent-probes';
import type { HostFailure } from '../../common/fleet';
import { hostAgent, type HostAgent } from './activity-options';
import { isHostLoss } from './host-loss';

/** A fleet's wait that probes its hosts' agents meanwhile. */
export interface ProbedWait {
  /** The hosts to probe, read every round (a host left behind is not probed again). */
  hosts: () => string[];
  /** The fleet's host-loss bound: how long a probe waits on the host's queue for an agent. */
  agentPickupMs: number;
  /** How long the wait lasts at most (undefined: unknown); spreads the probes (common/agent-probes.ts). */
  waitMs?: number;
  /** A host's agent picked up no probe within the bound. Throwing ends the wait with that error. */
  lost: (failure: HostFailure) => Promise<void> | void;
}

/**
 * Waits for `wait` while probing every host's agent in rounds (a cheap activity on each host's queue,
 * common/agent-probes.ts says how often), so a host lost while the fleet waits is acted on within
 * one pause and the host-loss bound, not at the next step. The probes run in their own scope,
 * cancelled the moment `wait` settles: an answer or a signal is acted on at once.
 */
export async function whileProbing<T>(wait: Promise<T>, w: ProbedWait): Promise<T> {
  const scope = new CancellationScope();
  const probing = scope.run(() => probeRounds(w));
  probing.catch(() => undefined); // rejects once cancelled; the race below holds the outcome
  try {
    return await Promise.race([wait, probing]);
  } finally {
    scope.cancel();
  }
}

async function probeRounds(w: ProbedWait): Promise<never> {
  const began = Date.now();
  const answered = new Map<string, number>();
  const agents = new Map<string, HostAgent>();
  const probe = async (host: string) => {
    if (!agents.has(host)) agents.set(host, hostAgent(host, { agentPickupMs: w.agentPickupMs }));
    try {
      await agents.get(host)!.pingAgent();
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Any failure but the wait for an agent came from an agent that picked the probe up: it answers.
      if (isHostLoss(err)) return w.lost(lostFailure(host, answered.get(host) ?? began, w.agentPickupMs));
    }
    answered.set(host, Date.now());
  };
  const hosts = w.hosts().length; // the rounds are spread for the hosts the wait began with
  for (;;) {
    await Promise.all(w.hosts().map(probe));
    await sleep(probePauseMs(Date.now() - began, hosts, w.waitMs), {
      summary: 'until the next probe of every host agent (the fleet waits)',
    });
  }
}

/** A host whose agent picked up no probe: since when it has not answered (its last answer, else the
 * start of the wait). */
function lostFailure(host: string, since: number, agentPickupMs: number): HostFailure {
  const cause = `agent not answering since ${new Date(since).toISOString()} (no agent picked up a probe within ${agentPickupMs / 1000} s)`;
  return { host, cause, lost: true };
}
