/** Human units in, engine units out. Pure: used by the spec schema in workflows, CLI and activities. */

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

/** "512m" → 536870912, as `docker run --memory` reads it (binary units, case-insensitive). */
export function parseBytes(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0)
      throw new Error(`"${input}" is not a byte count (a whole number ≥ 0, or "512m")`);
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(`"${input}" is not a size (use a number with b, k, m, g or t, e.g. "512m")`);
  return Math.round(Number(m[1]) * unit);
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** "1m30s", "500ms", "2s" → milliseconds (Go duration syntax, as the Docker CLI reads it). */
export function parseDurationMs(input: string | number): number {
  if (typeof input === 'number') {
    if (!(input >= 0)) throw new Error(`"${input}" is not a duration in milliseconds`);
    return input;
  }
  const parts = [...input.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== input.trim()) {
    throw new Error(`"${input}" is not a duration (use e.g. "500ms", "2s", "1m30s")`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}

/** "1.5" CPUs → 1500000000 NanoCpus, as `docker run --cpus` does. */
export function parseNanoCpus(input: string | number): number {
  const n = typeof input === 'number' ? input : Number(input);
  if (!Number.isFinite(n) || n <= 0 || (typeof input === 'string' && !/^\s*\d+(\.\d+)?\s*$/.test(input))) {
    throw new Error(`"${input}" is not a CPU count (a number > 0, e.g. "1.5")`);
  }
  return Math.round(n * 1e9);
}
