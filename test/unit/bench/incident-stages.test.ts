import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../../bench/lib/history-event';
import { incidentStages, summarizeStages } from '../../../bench/lib/incident-stages';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const T0 = 1_700_000_000_000; // ms since the epoch of the unhealthy event
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

// A workflow that got two incidents: the first one's restart, then a second signal and its restart.
const history = [
  { eventId: 1, eventTime: at(T0 + 20), workflowExecutionStartedEventAttributes: {} },
  { eventId: 2, eventTime: at(T0 + 20), workflowExecutionSignaledEventAttributes: { tn: 'first' } },
  {
    eventId: 5,
    eventTime: at(T0 + 60),
    activityTaskScheduledEventAttributes: { activityType: { name: 'containerCondition' } },
  },
  {
    eventId: 9,
    eventTime: at(T0 + 100),
    activityTaskScheduledEventAttributes: { activityType: { name: 'restartContainer' } },
  },
  { eventId: 10, eventTime: at(T0 + 110), activityTaskStartedEventAttributes: { scheduledEventId: 9 } },
  { eventId: 20, eventTime: at(T0 + 5020), workflowExecutionSignaledEventAttributes: { tn: 'second' } },
  {
    eventId: 25,
    eventTime: at(T0 + 5300),
    activityTaskScheduledEventAttributes: { activityType: { name: 'restartIfUnhealthy' } },
  },
  { eventId: 26, eventTime: at(T0 + 5400), activityTaskStartedEventAttributes: { scheduledEventId: 25 } },
] as unknown as HistoryEvent[];
const signalTimeNano = (e: HistoryEvent) => {
  const tn = (e.workflowExecutionSignaledEventAttributes as { tn?: string } | undefined)?.tn;
  return tn === 'first' ? String(ns(T0)) : tn === 'second' ? String(ns(T0 + 5000)) : undefined;
};

describe('incidentStages', () => {
  it('splits an incident at the job, the signal that carried its event, and the restart after that signal', () => {
    const second = incidentStages({
      unhealthyNs: ns(T0 + 5000),
      killNs: ns(T0 + 5450),
      job: { timestamp: T0 + 5005, processedOn: T0 + 5010 },
      history,
      signalTimeNano,
    });
    expect(second).toEqual({ publish: 5, queued: 5, deliver: 10, decide: 280, dispatch: 100, engine: 50 });
  });

  it('leaves out the stages whose end it cannot find', () => {
    expect(incidentStages({ unhealthyNs: ns(T0 + 9000), killNs: ns(T0 + 9999), history, signalTimeNano })).toEqual({});
    expect(
      incidentStages({
        unhealthyNs: ns(T0),
        killNs: ns(T0 + 130),
        job: { timestamp: T0 + 3 },
        history,
        signalTimeNano,
      }),
    ).toEqual({ publish: 3, decide: 80, dispatch: 10, engine: 20 });
  });

  it('summarizes each stage by p50 and p99', () => {
    const all = Array.from({ length: 100 }, (_, i) => ({ publish: i + 1 }));
    expect(summarizeStages(all)).toEqual({ publish: { p50: 50, p99: 99, n: 100 } });
  });
});
