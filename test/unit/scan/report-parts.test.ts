import { describe, expect, it } from 'vitest';
import { joinParts, MAX_PART_BYTES, reportParts } from '../../../common/scan/report-parts';
import type { ContainerScan, HostScan } from '../../../common/scan/scan-result';
import { evaluate, MAX_EVIDENCE, MAX_EVIDENCE_CHARS } from '../../../activities/scan/evaluate';
import type { Rule } from '../../../activities/scan/rules/rule';
import type { ScanData } from '../../../activities/scan/scan-data';
import { inert } from '../../../activities/scan/report/markdown';

/** A loose container's scan as big as the review measured (~4.2 KB, 18 findings). */
function container(host: string, i: number): ContainerScan {
  return {
    host,
    id: `${host}-${i}`.padEnd(64, '0'),
    name: `app-${i}`,
    image: 'dockhand-fixture-app:v1',
    imageId: 'sha256:'.padEnd(71, 'a'),
    status: 'scanned',
    findings: Array.from({ length: 18 }, (_, f) => ({
      ruleId: `CIS-5.${f}`,
      title: 'a check that failed',
      severity: 'high' as const,
      evidence: ['HostConfig.CapAdd: NET_ADMIN', 'HostConfig.Privileged: true'],
      remediation: 'drop it: --cap-drop ALL and add back only what the app needs',
    })),
    notApplicable: [],
    processes: ['httpd -f -p 8080'],
  };
}

describe('reportParts (review M8: no payload carries the whole fleet)', () => {
  // 1,200 containers ≈ 5 MB of results: more than twice Temporal's 2 MiB payload limit in one input.
  const hosts: HostScan[] = [
    { host: 'a', status: 'scanned', containers: Array.from({ length: 700 }, (_, i) => container('a', i)) },
    { host: 'b', status: 'unreachable', error: 'agent down', containers: [] },
    { host: 'c', status: 'scanned', containers: Array.from({ length: 500 }, (_, i) => container('c', i)) },
  ];

  it('cuts the results into parts of at most 512 KB each, far under 2 MiB', () => {
    expect(JSON.stringify(hosts).length).toBeGreaterThan(2 * 1024 * 1024);
    const parts = reportParts(hosts);
    expect(parts.length).toBeGreaterThan(4);
    for (const p of parts) expect(JSON.stringify(p).length).toBeLessThanOrEqual(MAX_PART_BYTES);
  });

  it('loses nothing: joined again, the parts are the hosts, in order', () => {
    expect(joinParts(reportParts(hosts))).toEqual(hosts);
    expect(joinParts(reportParts(hosts, 10_000))).toEqual(hosts);
  });
});

describe('evidence is capped per finding, with a count', () => {
  it('keeps MAX_EVIDENCE lines of at most MAX_EVIDENCE_CHARS, and says how many more there were', () => {
    const rule = {
      id: 'DH-TEST',
      title: 't',
      severity: 'low',
      remediation: 'r',
      needs: [],
      check: () => Array.from({ length: 40 }, (_, i) => `${i}:${'x'.repeat(2_000)}`),
    } as unknown as Rule;
    const [finding] = evaluate({} as ScanData, [rule]).findings;
    expect(finding!.evidence).toHaveLength(MAX_EVIDENCE + 1);
    expect(finding!.evidence[MAX_EVIDENCE]).toBe(`… and ${40 - MAX_EVIDENCE} more`);
    expect(finding!.evidence[0]!.length).toBeLessThan(MAX_EVIDENCE_CHARS + 30);
    expect(finding!.evidence[0]).toContain('(2002 chars)');
  });
});

describe('report Markdown keeps workload text inert (L12)', () => {
  it('escapes links, HTML and emphasis planted in evidence', () => {
    expect(inert('[click](http://evil) <img src=x> **bold** | pipe\nnext')).toBe(
      '\\[click\\]\\(http://evil\\) \\<img src=x\\> \\*\\*bold\\*\\* \\| pipe next',
    );
  });
});
