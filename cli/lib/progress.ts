import { readVariable } from '../../common/config';

/** Where progress goes: stderr, or a test's fake stream. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Progress of a long operation, on stderr (stdout keeps the result). Each phase is one permanent
 * line with the elapsed time. On an interactive terminal a spinner line below it counts the time in
 * the current phase; when stderr is not a terminal, or under CI (CI=true, as every CI service sets
 * it), nothing is animated: plain lines only, no carriage returns or escape codes.
 */
export class Progress {
  readonly animated: boolean;
  private current = '';
  private since = Date.now();
  private frame = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly out: ProgressStream = process.stderr,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const ci = readVariable('CI', env);
    const underCi = ci !== undefined && ci !== '0' && ci.toLowerCase() !== 'false';
    this.animated = Boolean(out.isTTY) && !underCi;
  }

  /** A permanent line (a phase entered, a message). */
  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
    this.draw();
  }

  /** A phase entered `elapsedMs` after the change started: `[  12.3s] green-up — details`. */
  phase(name: string, details: string, elapsedMs: number): void {
    const at = `[${(elapsedMs / 1000).toFixed(1).padStart(6)}s]`;
    this.line(`${at} ${name}${details ? ` — ${details.replace(/\n+/g, `\n${' '.repeat(at.length + 1)}`)}` : ''}`);
    this.current = name;
    this.since = Date.now();
    if (this.animated && !this.timer) {
      this.timer = setInterval(() => this.redraw(), 100);
      this.timer.unref();
    }
  }

  /** Ends the animation (the spinner line is removed). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
    this.current = '';
  }

  private redraw(): void {
    this.clear();
    this.frame = (this.frame + 1) % FRAMES.length;
    this.draw();
  }

  private draw(): void {
    if (!this.animated || !this.current) return;
    this.out.write(`${FRAMES[this.frame]} ${this.current} ${((Date.now() - this.since) / 1000).toFixed(0)}s`);
  }

  private clear(): void {
    if (this.animated && this.current) this.out.write('\r\x1b[2K');
  }
}
