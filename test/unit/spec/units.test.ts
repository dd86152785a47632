import { describe, expect, it } from 'vitest';
import { parseBytes, parseDurationMs, parseNanoCpus } from '../../../common/spec/units';

describe('units', () => {
  it('reads sizes as docker run does (binary units)', () => {
    expect(parseBytes('512m')).toBe(536870912);
    expect(parseBytes('1g')).toBe(1073741824);
    expect(parseBytes('1.5G')).toBe(1610612736);
    expect(parseBytes('64k')).toBe(65536);
    expect(parseBytes('100')).toBe(100);
    expect(parseBytes(4096)).toBe(4096);
  });
  it('refuses sizes it cannot read, naming the value', () => {
    expect(() => parseBytes('12 parsecs')).toThrow('"12 parsecs" is not a size');
    expect(() => parseBytes('-1m')).toThrow('is not a size');
    expect(() => parseBytes(1.5)).toThrow('is not a byte count');
  });
  it('reads Go-style durations to milliseconds', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs(250)).toBe(250);
    expect(() => parseDurationMs('soon')).toThrow('"soon" is not a duration');
    expect(() => parseDurationMs('2s later')).toThrow('is not a duration');
  });
  it('reads CPU counts to NanoCpus', () => {
    expect(parseNanoCpus('1.5')).toBe(1_500_000_000);
    expect(parseNanoCpus(0.25)).toBe(250_000_000);
    expect(() => parseNanoCpus('0')).toThrow('is not a CPU count');
    expect(() => parseNanoCpus('two')).toThrow('is not a CPU count');
  });
});
