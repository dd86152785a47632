import { describe, expect, it } from 'vitest';
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { ServiceError } from '@temporalio/client';
import { buildProgram } from '../../../cli/program';
import { Envelope, errorEnvelope, okEnvelope } from '../../../cli/lib/envelope';
import { CliError, EXIT, UsageError } from '../../../cli/lib/exit-codes';
import { commandLine, ending } from '../../../cli/lib/report-error';
import { flagNames } from '../../../cli/lib/flag-names';
import { exitCodeOf } from '../../../cli/lib/follow-change';
import { duration, int, intBetween, interval, oneOf } from '../../../cli/lib/parsers';
import { listQuery } from '../../../cli/commands/list';
import { failure, ErrorType, DeployErrorType } from '../../../common/errors';

/** Every command and subcommand of `dockhand`, with its full name ("scan schedule"). */
function allCommands(c: Command, prefix = ''): Array<{ name: string; command: Command }> {
  return c.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return [{ name, command: sub }, ...allCommands(sub, `${name} `)];
  });
}

function helpOf(c: Command): string {
  let out = '';
  c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  c.outputHelp();
  return out;
}

describe('the dockhand command line', () => {
  const program = buildProgram();
  const commands = allCommands(program).filter((c) => c.name !== 'help');

  it('lists the commands of a CLI to live in', () => {
    const names = commands.map((c) => c.name);
    for (const n of [
      'status',
      'list',
      'history',
      'logs',
      'deploy',
      'rolling-update',
      'approve',
      'reject',
      'resume',
      'rollback',
      'cancel',
    ])
      expect(names).toContain(n);
    expect(program.version()).toMatch(/^\d+\.\d+\.\d+/);
    // One name per feature; the short verb stays as an alias for scripts that use it.
    expect(program.commands.find((c) => c.name() === 'rolling-update')?.aliases()).toEqual(['rollout']);
  });

  it.each(
    allCommands(buildProgram())
      .filter((c) => c.name !== 'help')
      .map((c) => [c.name, c.command] as const),
  )('`dockhand %s --help` has an example', (name, command) => {
    const help = helpOf(command);
    expect(help).toMatch(/\nExamples:\n {2}\$ (dockhand|npm|DOCKHAND_CONFIG=\S+ dockhand) /);
    expect(help.split('Examples:')[1]).toMatch(
      name === 'demo' ? /npm start|dockhand demo/ : new RegExp(`dockhand (--config \\S+ )?${name}`),
    );
  });

  it('every command that prints results takes --json (config schema prints the schema document itself)', () => {
    const leaves = commands.filter((c) => c.command.commands.length === 0);
    const without = leaves.filter((c) => !c.command.options.some((o) => o.long === '--json')).map((c) => c.name);
    expect(without.sort()).toEqual(['config schema', 'demo', 'stack']);
  });
});

describe('usage errors: one line naming the flag, exit 2', () => {
  const commanderError = (message: string) => new CommanderError(1, 'commander.invalidArgument', message);

  it("rewrites commander's invalid-argument sentence to `--flag: why`", () => {
    const e = ending(
      commanderError(
        `error: option '--bake <duration>' argument '5x' is invalid. "5x" is not a duration (use e.g. "500ms", "2s", "1m30s")`,
      ),
      'dockhand deploy',
    );
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toBe(
      '--bake: "5x" is not a duration (use e.g. "500ms", "2s", "1m30s") (see "dockhand deploy --help")',
    );
    expect(e.message).not.toContain('\n');
    expect(Envelope.parse(e.envelope)).toMatchObject({ ok: false, error: { kind: 'usage', exitCode: 2 } });
  });

  it('names the flag of a short option too, and keeps a multi-line commander message on one line', () => {
    expect(
      ending(
        commanderError(
          `error: option '-n, --tail <lines>' argument '0' is invalid. "0" is not a whole number from 1 to 10000`,
        ),
        'dockhand logs',
      ).message,
    ).toBe('--tail: "0" is not a whole number from 1 to 10000 (see "dockhand logs --help")');
    expect(
      ending(
        new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'deplyo'\n(Did you mean deploy?)"),
        'dockhand',
      ).message,
    ).toBe(`unknown command 'deplyo' (Did you mean deploy?) (see "dockhand --help")`);
  });

  it('turns the schema paths of a refused input into flag names', () => {
    const refused = failure(
      ErrorType.BadSpec,
      'invalid input: input.bakeMs: "5 minutes" is not a duration; input.order: Invalid option',
    );
    const e = ending(refused, 'dockhand rolling-update');
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.message).toBe(
      '--bake: "5 minutes" is not a duration; --order: Invalid option (see "dockhand rolling-update --help")',
    );
    expect(
      flagNames('invalid input: input.spec.resources.memory: bad; input.edge.ports.0.host: bad; input.other: x'),
    ).toBe('--memory: bad; --edge-port: bad; input.other: x');
  });

  it('the parsers refuse bad values with commander’s InvalidArgumentError (reported before anything is contacted)', () => {
    expect(() => int('abc')).toThrow(InvalidArgumentError);
    expect(() => int('abc')).toThrow('"abc" is not a whole number');
    expect(() => duration('5x')).toThrow('"5x" is not a duration');
    expect(duration('1m30s')).toBe('1m30s');
    expect(() => interval('banana')).toThrow('is not an interval');
    expect(interval('1d')).toBe('1d');
    expect(() => oneOf('a', 'b')('c')).toThrow('"c" is not one of a, b');
    for (const bad of ['0', '11', '1.5', '-1', 'two', ''])
      expect(() => intBetween(1, 10)(bad)).toThrow(`"${bad}" is not a whole number from 1 to 10`);
    expect(intBetween(1, 10)('1')).toBe(1);
    expect(intBetween(1, 10)('10')).toBe(10);
  });

  it('the help hint names the subcommand the line was for', () => {
    expect(commandLine(['node', 'dockhand', '--config', 'x.yml', 'deploy', 'web'], ['deploy', 'status'])).toBe(
      'dockhand deploy',
    );
    expect(commandLine(['node', 'dockhand', 'nope'], ['deploy'])).toBe('dockhand');
  });

  it('list refuses a --service or --host that would change its visibility query', () => {
    expect(() => listQuery({ service: 'web" OR WorkflowId != "' })).toThrow(UsageError);
    expect(listQuery({ service: 'web', kind: 'changes' })).toBe(
      'ExecutionStatus = "Running" AND DockhandWorkflow IS NOT NULL AND DockhandService = "web" AND WorkflowId STARTS_WITH "deploy/"',
    );
  });
});

describe('other errors and endings', () => {
  it('a CliError keeps its code and target; anything else is exit 1 with its message only', () => {
    const e = ending(
      new CliError('deploy/web rejected: no', EXIT.refused, { workflowId: 'deploy/web', url: 'http://ui/x' }),
      'dockhand deploy',
    );
    expect(e).toMatchObject({ exitCode: 3, message: 'deploy/web rejected: no' });
    expect(Envelope.parse(e.envelope)).toEqual({
      ok: false,
      workflowId: 'deploy/web',
      url: 'http://ui/x',
      error: { kind: 'refused', exitCode: 3, message: 'deploy/web rejected: no' },
    });
    const plain = ending(new Error('boom'), 'dockhand');
    expect(plain).toMatchObject({ exitCode: 1, message: 'boom' });
    const service = ending(new ServiceError('Failed to list workflows'), 'dockhand list');
    expect(service.message).toMatch(/^Temporal at \S+: Failed to list workflows/);
  });

  it('a followed change maps to 0 done, 3 refused (rejected, rolled back, timed-out approval, cancelled), 1 failed', () => {
    const end = (outcome: 'succeeded' | 'failed' | 'rolled-back', failureType?: string) => ({
      outcome,
      workflowId: 'deploy/web',
      runId: 'r',
      ...(failureType ? { failureType } : {}),
    });
    expect(exitCodeOf(end('succeeded'))).toBe(0);
    expect(exitCodeOf(end('rolled-back', DeployErrorType.RolledBack))).toBe(3);
    expect(exitCodeOf(end('failed', DeployErrorType.Rejected))).toBe(3);
    expect(exitCodeOf(end('failed', DeployErrorType.ApprovalTimedOut))).toBe(3);
    expect(exitCodeOf(end('failed', 'cancelled'))).toBe(3);
    expect(exitCodeOf(end('failed', ErrorType.Unhealthy))).toBe(1);
    expect(exitCodeOf(end('failed'))).toBe(1);
  });

  it('the envelope schema accepts exactly {ok, workflowId, url, result | error}', () => {
    expect(Envelope.parse(okEnvelope({ a: 1 }))).toEqual({ ok: true, workflowId: null, url: null, result: { a: 1 } });
    expect(Envelope.safeParse({ ok: true, workflowId: null, url: null, result: 1, extra: 2 }).success).toBe(false);
    expect(Envelope.safeParse({ ok: true, url: null, result: 1 }).success).toBe(false);
    expect(Envelope.safeParse({ ok: false, workflowId: null, url: null, result: 1 }).success).toBe(false);
    expect(Envelope.safeParse(errorEnvelope('x', EXIT.findings)).success).toBe(true);
  });
});
