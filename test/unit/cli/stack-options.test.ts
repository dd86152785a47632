import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/program';
import { checkTestHostsOptions } from '../../../cli/lib/test-hosts';

describe('stack up --hosts', () => {
  it('takes a whole number from 0 to 8, refused while the command line is parsed', () => {
    const stack = buildProgram().commands.find((c) => c.name() === 'stack')!;
    const hostCount = (v: string) => stack.options.find((o) => o.long === '--hosts')!.parseArg!(v, undefined);
    expect(hostCount('0')).toBe(0);
    expect(hostCount('3')).toBe(3);
    expect(hostCount('8')).toBe(8);
    for (const bad of ['9', '-1', '1.5', 'two', ''])
      expect(() => hostCount(bad)).toThrow(`"${bad}" is not a whole number from 0 to 8`);
  });

  it('checks the test hosts before anything is made, naming the option', () => {
    expect(() => checkTestHostsOptions({ name: 'fleet', count: 0, firstBlock: 101 })).toThrow(
      '--hosts: 0 is not a whole number from 1 to 8',
    );
    expect(() => checkTestHostsOptions({ name: 'Fleet!', count: 2, firstBlock: 101 })).toThrow(
      'test hosts name "Fleet!" is not [a-z0-9]{1,8}',
    );
    expect(() => checkTestHostsOptions({ name: 'fleet', count: 2, firstBlock: 250 })).toThrow(
      'test hosts first block 250 leaves no room for 8 hosts below 255',
    );
    expect(() => checkTestHostsOptions({ name: 'fleet', count: 2, firstBlock: 101 })).not.toThrow();
  });
});
