import type { Command } from 'commander';
import { registerAnswerCommand } from '../lib/answer-command';

export function registerReject(program: Command): void {
  registerAnswerCommand(
    program,
    'reject',
    'reject the step the running change of <service> waits on; it rolls back (signal `reject`)',
  );
}
