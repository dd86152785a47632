import type { Command } from 'commander';
import { registerAnswerCommand } from '../lib/answer-command';

export function registerApprove(program: Command): void {
  registerAnswerCommand(
    program,
    'approve',
    'approve the step the running change of <service> waits on (signal `approve`)',
  );
}
