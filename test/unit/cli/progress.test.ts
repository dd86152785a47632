import { describe, expect, it } from 'vitest';
import { Progress } from '../../../cli/lib/progress';

function stream(isTTY: boolean) {
  const s = { isTTY, text: '', write: (t: string) => (s.text += t) };
  return s;
}

describe('progress of a long operation', () => {
  it('prints one plain line per phase with the elapsed time when stderr is not a terminal', () => {
    const out = stream(false);
    const p = new Progress(out, {});
    p.phase('green-up', 'starting web-green', 1234);
    p.phase('awaiting-approval', 'approve with\ndockhand approve web', 5000);
    p.stop();
    expect(p.animated).toBe(false);
    expect(out.text).toBe(
      '[   1.2s] green-up — starting web-green\n[   5.0s] awaiting-approval — approve with\n          dockhand approve web\n',
    );
  });

  it('animates a spinner on a terminal, and never under CI=true (no carriage returns, no escape codes)', async () => {
    const tty = stream(true);
    const live = new Progress(tty, {});
    live.phase('green-up', '', 0);
    await new Promise((r) => setTimeout(r, 250));
    live.stop();
    expect(live.animated).toBe(true);
    expect(tty.text).toContain('\r\x1b[2K');
    expect(tty.text).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] green-up \ds/);

    const ci = stream(true);
    const quiet = new Progress(ci, { CI: 'true' });
    quiet.phase('green-up', '', 0);
    await new Promise((r) => setTimeout(r, 250));
    quiet.stop();
    expect(quiet.animated).toBe(false);
    expect(ci.text).toBe('[   0.0s] green-up\n');
  });
});
