import { describe, expect, it } from 'vitest';
import { TemporalRecovery } from '../../../workers/lib/temporal-recovery';

const tick = () => new Promise((r) => setTimeout(r, 5));
const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await tick();
};

/** A probe that fails `downFor` times, then answers. */
function temporal(downFor: number) {
  const s = { probes: 0, promotes: 0, recovered: [] as number[] };
  const r = new TemporalRecovery(
    async () => {
      if (s.probes++ < downFor) throw new Error('UNAVAILABLE');
    },
    async () => void s.promotes++,
    (ms) => s.recovered.push(ms),
    1,
  );
  return { s, r };
}

describe('TemporalRecovery', () => {
  it('retries the waiting jobs once when Temporal answers again after not answering', async () => {
    const { s, r } = temporal(3);
    r.attemptFailed();
    r.attemptFailed(); // a second failure while probing starts no second loop
    await until(() => s.recovered.length > 0);
    expect(s).toMatchObject({ probes: 4, promotes: 1 });
    expect(s.recovered).toHaveLength(1);
  });

  it('promotes nothing when Temporal answers at once: the failure was not an outage', async () => {
    const { s, r } = temporal(0);
    r.attemptFailed();
    await until(() => s.probes > 0);
    await tick();
    expect(s).toMatchObject({ probes: 1, promotes: 0, recovered: [] });
  });

  it('stops probing when stopped', async () => {
    const { s, r } = temporal(Infinity);
    r.attemptFailed();
    await until(() => s.probes >= 2);
    r.stop();
    const seen = s.probes;
    await tick();
    await tick();
    expect(s.probes).toBeLessThanOrEqual(seen + 1);
    expect(s.promotes).toBe(0);
  });
});
