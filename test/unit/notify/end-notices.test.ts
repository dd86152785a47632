import { describe, expect, it } from 'vitest';
import { newSeriousFindings } from '../../../activities/scan/report/new-serious';
import { DeployErrorType } from '../../../common/errors';
import { changeEndNotice } from '../../../common/remediation/change-end';
import { channelsFor } from '../../../common/remediation/notification';
import type { ScanReport } from '../../../common/scan/report';
import { fixesNotice, newFindingsNotice } from '../../../common/scan/scan-notices';
import type { SecurityScanResult } from '../../../common/scan/scan-result';

describe('what a change that ends badly says', () => {
  const base = { type: 'blueGreenDeploy', workflowId: 'deploy/web', service: 'web', host: 'vm-1' };

  it('a failure whose undo worked: warning, the failure in the text', () => {
    expect(changeEndNotice({ ...base, error: { type: DeployErrorType.CheckFailed, message: 'smoke: 500' } })).toEqual({
      step: 'failed',
      kind: 'failed',
      severity: 'warning',
      title: 'blueGreenDeploy of web failed',
      text: 'deploy/web failed: smoke: 500',
      service: 'web',
      host: 'vm-1',
    });
  });

  it('an undo that failed too pages (critical); a person’s reject is only info', () => {
    const left = changeEndNotice({ ...base, error: { type: DeployErrorType.CompensationIncomplete, message: 'x' } });
    expect(left).toMatchObject({ severity: 'critical', title: 'blueGreenDeploy of web failed and is NOT as before' });
    expect(changeEndNotice({ ...base, error: { type: DeployErrorType.Rejected, message: 'no' } })?.severity).toBe(
      'info',
    );
  });

  it('a rollback, whether the workflow completes with it or fails with it', () => {
    const rolled = { step: 'rolled-back', kind: 'rolled-back', severity: 'warning', service: 'web', host: 'vm-1' };
    expect(
      changeEndNotice({
        ...base,
        type: 'rollingUpdate',
        result: { outcome: 'rolled-back', reason: 'replica 2 never healthy' },
      }),
    ).toEqual({
      ...rolled,
      title: 'rollingUpdate of web rolled back',
      text: 'deploy/web rolled back: replica 2 never healthy.',
    });
    expect(
      changeEndNotice({ ...base, error: { type: DeployErrorType.RolledBack, message: 'rollback signal' } }),
    ).toEqual({
      ...rolled,
      title: 'blueGreenDeploy of web rolled back',
      text: 'deploy/web rolled back: rollback signal',
    });
  });

  it('nothing for a success, nor for the read-only workflows and the notifications’ own', () => {
    expect(changeEndNotice({ ...base, result: { outcome: 'updated' } })).toBeUndefined();
    expect(changeEndNotice({ ...base, result: undefined })).toBeUndefined();
    for (const type of ['serviceStatus', 'readScanReport', 'deliverNotifications'])
      expect(changeEndNotice({ type, workflowId: 'x', error: { message: 'boom' } })).toBeUndefined();
  });

  it('without a service, the workflow id names it', () => {
    expect(
      changeEndNotice({ type: 'securityScan', workflowId: 'security-scan/nightly', error: { message: 'boom' } }),
    ).toMatchObject({ title: 'securityScan security-scan/nightly failed', text: 'security-scan/nightly failed: boom' });
  });

  it('PagerDuty only for critical', () => {
    expect(channelsFor('critical')).toEqual(['slack', 'webhook', 'pagerduty']);
    expect(channelsFor('warning')).toEqual(['slack', 'webhook']);
  });
});

describe('what a scheduled scan says', () => {
  const finding = (ruleId: string, severity: string, fingerprint: string) => ({
    ruleId,
    title: `${ruleId} title`,
    severity,
    evidence: [],
    remediation: '',
    fingerprint,
  });
  const report = {
    containers: [
      { host: 'h1', name: 'web-1', findings: [finding('CIS-5.4', 'high', 'a'), finding('CIS-5.5', 'critical', 'b')] },
      { host: 'h1', name: 'db-1', findings: [finding('CIS-5.5', 'critical', 'c'), finding('CIS-4.1', 'medium', 'd')] },
    ],
    // "c" was there last time; "d" is new but only medium.
    diff: {
      new: ['a', 'b', 'd'].map((fingerprint) => ({ fingerprint, host: 'h1', container: '', ruleId: '' })),
      fixed: [],
      stillOpen: [],
    },
  } as unknown as ScanReport;

  it('names the new critical and high findings only, critical first', () => {
    expect(newSeriousFindings(report)).toEqual([
      { host: 'h1', container: 'web-1', ruleId: 'CIS-5.5', severity: 'critical', title: 'CIS-5.5 title' },
      { host: 'h1', container: 'web-1', ruleId: 'CIS-5.4', severity: 'high', title: 'CIS-5.4 title' },
    ]);
  });

  it('one notice listing them (critical when any is), nothing when none is new', () => {
    const result = {
      reportId: 'r2',
      reportDir: '/reports/r2',
      hosts: { scanned: ['h1'], unreachable: [] },
      newSerious: newSeriousFindings(report),
      newSeriousCount: 3,
    } as unknown as SecurityScanResult;
    expect(newFindingsNotice(result, 'nightly')).toEqual({
      step: 'new-findings',
      kind: 'scan-findings',
      severity: 'critical',
      title: 'scheduled scan nightly: 3 new critical/high findings',
      text: [
        'h1/web-1: CIS-5.5 (critical) CIS-5.5 title',
        'h1/web-1: CIS-5.4 (high) CIS-5.4 title',
        '… and 1 more in the report',
        'report r2 (on the orchestrator: /reports/r2)',
      ].join('\n'),
      host: 'h1',
      container: 'web-1',
    });
    expect(newFindingsNotice({ ...result, newSerious: [], newSeriousCount: 0 }, 'nightly')).toBeUndefined();
  });

  it('the remediation hook names each fix and its command', () => {
    const step = {
      host: 'h1',
      container: 'web-1',
      ruleId: 'CVE-1',
      package: 'p',
      fixed: '2',
      command: 'dockhand deploy web',
    };
    expect(fixesNotice([step], ['h1'], '/r')).toMatchObject({
      step: 'fixes',
      severity: 'critical',
      title: '1 critical vulnerability has a fixed version',
      text: 'h1/web-1: CVE-1 in p (fixed in 2); run: dockhand deploy web\nreport: /r',
    });
  });
});
