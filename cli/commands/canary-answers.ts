import type { Command } from 'commander';
import { registerAnswerCommand } from '../lib/answer-command';

/** `dockhand pause|promote|abort <service>`: a canary's human overrides (`resume` continues a paused
 * one). Each is an Update judged by the service's answer policy; the verdict or the refusal is printed. */
export function registerCanaryAnswers(program: Command): void {
  registerAnswerCommand(
    program,
    'pause',
    "hold <service>'s canary at its current weight (checks stop until `dockhand resume`)",
    'dockhand pause web --comment "looking at the p99"',
  );
  registerAnswerCommand(
    program,
    'promote',
    "skip the rest of <service>'s canary steps: every request to the new version",
    'dockhand promote web --comment "figures are fine"',
  );
  registerAnswerCommand(
    program,
    'abort',
    "abort <service>'s canary: weight back to 0, the canary removed, stable untouched",
    'dockhand abort web --comment "errors in the logs"',
  );
}
