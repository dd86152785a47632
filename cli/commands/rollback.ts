import type { Command } from 'commander';
import { registerAnswerCommand } from '../lib/answer-command';

export function registerRollback(program: Command): void {
  registerAnswerCommand(
    program,
    'rollback',
    'switch <service> back to what served before, inside the bake window (signal `rollback`)',
  );
}
