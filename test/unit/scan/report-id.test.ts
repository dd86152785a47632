import { describe, expect, it } from 'vitest';
import { REPORT_ID } from '../../../common/scan/report-transfer';
import { scanReportId } from '../../../common/scan/report-id';

describe('scanReportId', () => {
  it('differs for two scans started in the same second (UUIDv7 run ids share their first characters)', () => {
    const at = '2026-12-02T14:55:01.123Z';
    const a = scanReportId(at, '01a23712-3c4d-7e5f-8a9b-0c1d2e3f4a5b');
    const b = scanReportId(at, '01a23712-3c4e-7001-9fed-cba987654321');
    expect(a).toBe('20261202T145501Z-0c1d2e3f4a5b');
    expect(b).not.toBe(a);
    expect([a, b].every((id) => REPORT_ID.test(id))).toBe(true);
  });

  it('sorts by start time', () => {
    const run = '01a23712-3c4d-7e5f-8a9b-0c1d2e3f4a5b';
    expect(scanReportId('2026-12-02T14:55:01Z', run) < scanReportId('2026-12-02T14:55:02Z', run)).toBe(true);
  });
});
