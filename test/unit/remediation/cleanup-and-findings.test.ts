import { describe, expect, it } from 'vitest';
import {
  cleanupFilters,
  CleanupInput,
  cleanupResult,
  removalOrder,
  type CleanupItem,
} from '../../../common/remediation/cleanup';
import { scanFindingEvents } from '../../../common/events/scan-findings';
import { parseTriggerConfig } from '../../../common/events/rules';
import type { HostScan } from '../../../common/scan/scan-result';
import { answerTargets } from '../../../common/workflow-ids';

describe('clean-up plan', () => {
  it("always filters by Dockhand's ownership label, then service and labels", () => {
    expect(cleanupFilters(CleanupInput.parse({ host: 'h' }))).toEqual(['dockhand.managed=true']);
    expect(cleanupFilters(CleanupInput.parse({ host: 'h', service: 'web', labels: ['team=a'] }))).toEqual([
      'dockhand.managed=true',
      'dockhand.service=web',
      'team=a',
    ]);
  });
  it('removes containers first, then networks, then images', () => {
    const item = (kind: CleanupItem['kind'], id: string): CleanupItem => ({ kind, id, name: id, detail: '' });
    expect(
      removalOrder([item('image', 'i1'), item('network', 'n1'), item('container', 'c1'), item('container', 'c2')]),
    ).toEqual([[item('container', 'c1'), item('container', 'c2')], [item('network', 'n1')], [item('image', 'i1')]]);
  });
  it('refuses bad input naming the field', () => {
    expect(CleanupInput.safeParse({ host: 'h', threshold: -1 }).error?.issues[0]?.path).toEqual(['threshold']);
    expect(CleanupInput.safeParse({ host: 'h', labels: ['=x'] }).error?.issues[0]?.path).toEqual(['labels', 0]);
  });
});

describe('answer targets', () => {
  it('tries the service change, then the container hardening; a full id as given', () => {
    expect(answerTargets('web', 'h1')).toEqual(['deploy/web', 'remediate/harden/h1/web']);
    expect(answerTargets('web')).toEqual(['deploy/web']);
    expect(answerTargets('cleanup/h1', 'h1')).toEqual(['cleanup/h1']);
  });
});

describe('scan finding events', () => {
  const finding = (ruleId: string) => ({
    ruleId,
    title: '',
    severity: 'medium' as const,
    evidence: [],
    remediation: '',
  });
  const hosts: HostScan[] = [
    {
      host: 'h1',
      status: 'scanned',
      containers: [
        {
          host: 'h1',
          id: 'c1',
          name: 'web',
          image: 'app:1',
          imageId: 'sha256:1',
          status: 'scanned',
          findings: [finding('CIS-5.26'), finding('CIS-5.13'), finding('CIS-5.26')],
          notApplicable: [],
          processes: [],
        },
        {
          host: 'h1',
          id: 'c2',
          name: 'db',
          image: 'db:1',
          imageId: 'sha256:2',
          status: 'scanned',
          findings: [finding('CIS-5.13')],
          notApplicable: [],
          processes: [],
        },
        {
          host: 'h1',
          id: 'c3',
          name: 'gone',
          image: 'x:1',
          imageId: '',
          status: 'gone',
          findings: [],
          notApplicable: [],
          processes: [],
        },
      ],
    },
  ];
  it('one event per container with unsuppressed findings, with its labels and the finding ids', () => {
    const suppressions = [
      { ruleId: 'CIS-5.13', container: 'db', reason: 'writes its data dir', expires: '2099-01-01' },
    ];
    expect(
      scanFindingEvents(hosts, { 'h1/c1': { 'dockhand.harden': 'true' } }, suppressions, '2026-01-01T00:00:00.000Z'),
    ).toEqual([
      {
        source: 'scan',
        host: 'h1',
        type: 'container',
        action: 'scan_finding',
        id: 'c1',
        name: 'web',
        labels: { 'dockhand.harden': 'true' },
        findings: ['CIS-5.26', 'CIS-5.13'],
        timeNano: '1767225600000000000',
      },
    ]);
  });
  it('a rule can start remediateHarden from them; its args are the hardening policy', () => {
    const config = parseTriggerConfig(
      JSON.stringify({
        rules: [
          {
            name: 'harden',
            match: { action: 'scan_finding', labels: { 'dockhand.harden': 'true' } },
            workflow: 'remediateHarden',
            args: { memory: '128m' },
          },
        ],
      }),
      'rules.json',
    );
    expect(config.rules[0]!.workflow).toBe('remediateHarden');
    expect(() =>
      parseTriggerConfig(
        JSON.stringify({
          rules: [
            {
              name: 'harden',
              match: { action: 'scan_finding', labels: { a: 'b' } },
              workflow: 'remediateHarden',
              args: { pidsLimit: 1 },
            },
          ],
        }),
        'rules.json',
      ),
    ).toThrow(/rules\.0\.args\.pidsLimit/);
  });
});

describe('cleanupResult', () => {
  const item = (name: string): CleanupItem => ({ kind: 'container', id: name, name, detail: 'exited (0)' });
  it('counts gone as removed, and lists spared and refused items as skipped with their reason', () => {
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')];
    const result = cleanupResult(
      { host: 'h', dryRun: false },
      [a, b, c],
      [{ item: d, reason: 'busy' }],
      [
        { item: a, outcome: 'removed' },
        { item: b, outcome: 'gone' },
        { item: c, outcome: 'skipped' },
      ],
    );
    expect(result).toEqual({
      host: 'h',
      dryRun: false,
      items: [a, b, c, d],
      removed: [a, b],
      skipped: [
        { item: d, reason: 'busy' },
        { item: c, reason: 'refused by the engine' },
      ],
    });
  });

  it('keeps the approval when there was one', () => {
    const approval = { outcome: 'approved' as const, by: 'carol', at: 'T', refused: [] };
    expect(cleanupResult({ host: 'h', dryRun: false, approval }, [], [], []).approval).toBe(approval);
  });
});
