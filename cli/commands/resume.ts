import type { Command } from 'commander';
import { registerAnswerCommand } from '../lib/answer-command';

export function registerResume(program: Command): void {
  registerAnswerCommand(
    program,
    'resume',
    'resume the paused rolling update of <service> (after --failure-action pause; signal `resume`)',
    'dockhand resume web --comment "replica 3 fixed by hand"',
  );
}
