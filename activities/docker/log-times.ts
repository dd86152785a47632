import { parseDurationMs } from '../../common/spec/units';

/** A logs `since`/`until` bound as the Engine's unix seconds: numbers are unix seconds already, an ISO
 * time is converted, a duration ("10m") counts back from `nowMs`. Pure. */
export function toUnixSeconds(value: number | string, nowMs: number): number {
  if (typeof value === 'number') return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new Error(`"${value}" is not a time`);
    return Math.floor(ms / 1000);
  }
  return Math.floor((nowMs - parseDurationMs(value)) / 1000);
}
