/** Commander argument parsers shared by the commands: they throw a message naming the bad value. */

/** A repeatable flag: each use appends. */
export const collect = (value: string, all: string[] = []): string[] => [...all, value];

export function int(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`"${value}" is not a whole number`);
  return Number(value);
}
