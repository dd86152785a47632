import { InvalidArgumentError } from 'commander';
import { parseDurationMs } from '../../common/spec/units';

/** Commander argument parsers shared by the commands. They run while the command line is parsed,
 * before anything is contacted, and throw commander's InvalidArgumentError, which the CLI reports
 * as `--flag: <why>` with exit code 2. */

/** A repeatable flag: each use appends. */
export const collect = (value: string, all: string[] = []): string[] => [...all, value];

export function int(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return Number(value);
}

/** A whole number from `min` to `max` (a count, a line limit). */
export function intBetween(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max))
      throw new InvalidArgumentError(`"${value}" is not a whole number from ${min} to ${max}`);
    return n;
  };
}

/** A number (a ratio, a threshold), refused when it is not one. */
export function decimal(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a number`);
  return Number(value);
}

/** A duration ("500ms", "2s", "1m30s", "1h"); the text is kept (the schemas take it as given). */
export function duration(value: string): string {
  try {
    parseDurationMs(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return value;
}

/** One of a fixed list of words. */
export function oneOf<T extends string>(...choices: T[]): (value: string) => T {
  return (value) => {
    if (!(choices as string[]).includes(value))
      throw new InvalidArgumentError(`"${value}" is not one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** A schedule interval ("30m", "1h", "1d"): Temporal's duration grammar, which also takes days. */
export function interval(value: string): string {
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(value.trim()))
    throw new InvalidArgumentError(`"${value}" is not an interval (use e.g. "30m", "1h", "1d")`);
  return value;
}
