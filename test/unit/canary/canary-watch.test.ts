import { describe, expect, it } from 'vitest';
import { watchEnds } from '../../../common/canary-watch';

describe('watchEnds: when a watched window is judged', () => {
  const at = (verdict: 'pass' | 'fail' | 'inconclusive', elapsedMs: number, full = false) =>
    watchEnds({ verdict, elapsedMs, forMs: 3000, full });

  it('a failing window (it has the minimum requests) ends at once, long before the interval', () => {
    expect(at('fail', 800)).toBe('failed');
    expect(at('fail', 5000, true)).toBe('failed');
  });
  it('a passing or too-small window runs its whole interval', () => {
    expect(at('pass', 800)).toBeUndefined();
    expect(at('inconclusive', 2999)).toBeUndefined();
    expect(at('pass', 3000)).toBe('time');
    expect(at('inconclusive', 3100)).toBe('time');
  });
  it('a window that reached the read bound ends: the rest is the next window', () => {
    expect(at('pass', 100, true)).toBe('full');
  });
});
