import { describe, expect, it } from 'vitest';
import { missedExitEvents } from '../../../common/events/missed-exits';

const at = (iso: string) => `${BigInt(Date.parse(iso)) * 1_000_000n}`;
const base = {
  id: 'c1',
  name: 'app',
  labels: { a: 'b' },
  exitCode: 137,
  oomKilled: true,
  finishedAt: '2026-01-01T00:00:10.123456789Z',
};

describe('missedExitEvents', () => {
  it('gives oom then die for an OOM-killed container that stopped after the cursor', () => {
    const common = {
      source: 'sweep',
      host: 'h1',
      type: 'container',
      id: 'c1',
      name: 'app',
      labels: { a: 'b' },
      timeNano: at(base.finishedAt),
    };
    expect(missedExitEvents('h1', [base], at('2026-01-01T00:00:05Z'))).toEqual([
      { ...common, action: 'oom' },
      { ...common, action: 'die', exitCode: 137 },
    ]);
  });
  it('gives die alone for another exit, and nothing for what stopped before the cursor or never ran', () => {
    expect(
      missedExitEvents('h1', [{ ...base, oomKilled: false, exitCode: 1 }], at('2026-01-01T00:00:05Z')).map((e) => [
        e.action,
        e.exitCode,
      ]),
    ).toEqual([['die', 1]]);
    expect(missedExitEvents('h1', [base], at('2026-01-01T00:00:11Z'))).toEqual([]);
    expect(missedExitEvents('h1', [{ ...base, finishedAt: '0001-01-01T00:00:00Z' }], '0')).toEqual([]);
  });
});
