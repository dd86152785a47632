import type { ReportContainer, ScanReport } from '../../../common/scan/report';

/** Text as XML character data or an attribute value: markup escaped, and characters XML 1.0 forbids
 * (control characters a workload may put in evidence) dropped, so CI parsers never choke. */
export function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  name: string;
  body: string;
  failed: boolean;
  errored: boolean;
  skipped: boolean;
}

/**
 * The report as JUnit XML for CI test tabs: one suite per container (`<host>/<name>`), one test case
 * per check × container. A finding fails its case (type = severity; evidence and remediation in the
 * body); a suppressed finding or a check that could not be evaluated is skipped with the reason; a
 * container whose scan failed and a host that did not answer are errors. Generic over findings: a
 * check with findings but no rule in the report (another scanner's) still gets its case.
 */
export function toJunit(report: ScanReport): string {
  const suites = report.containers.map((c) => suite(`${c.host}/${c.name}`, casesOf(report, c)));
  for (const h of report.hosts.filter((x) => x.status === 'unreachable'))
    suites.push(
      suite(h.host, [
        {
          name: 'host scanned',
          body: `<error message="${xml(h.error ?? 'unreachable')}"/>`,
          failed: false,
          errored: true,
          skipped: false,
        },
      ]),
    );
  const total = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s.counts[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dockhand security scan ${xml(report.reportId)}" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" timestamp="${xml(report.finishedAt)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

function casesOf(report: ScanReport, c: ReportContainer): Case[] {
  if (c.status !== 'scanned')
    return [
      {
        name: 'container scanned',
        body:
          c.status === 'gone'
            ? `<skipped message="${xml(c.error ?? 'the container went away before its scan')}"/>`
            : `<error message="${xml(c.error ?? 'scan failed')}"/>`,
        failed: false,
        errored: c.status === 'error',
        skipped: c.status === 'gone',
      },
    ];
  // A vulnerability (one rule per CVE found anywhere in the fleet) is a case only where it was found:
  // every other container would otherwise list every CVE of every image as a passed case.
  const ids = [
    ...new Set([
      ...report.rules.filter((r) => !r.needs.includes('vulnerabilities')).map((r) => r.id),
      ...c.findings.map((f) => f.ruleId),
      ...c.suppressed.map((f) => f.ruleId),
    ]),
  ];
  const title = (id: string) =>
    report.rules.find((r) => r.id === id)?.title ??
    [...c.findings, ...c.suppressed].find((f) => f.ruleId === id)?.title ??
    id;
  return ids.map((id) => {
    const name = `${id} ${title(id)}`;
    const found = c.findings.filter((f) => f.ruleId === id);
    if (found.length)
      return {
        name,
        failed: true,
        errored: false,
        skipped: false,
        body: found
          .map(
            (f) =>
              `<failure type="${f.severity}" message="${xml(`${f.severity}: ${f.title}`)}">${xml(
                [...f.evidence.map((e) => `evidence: ${e}`), `remediation: ${f.remediation}`].join('\n'),
              )}</failure>`,
          )
          .join(''),
      };
    const suppressed = c.suppressed.find((f) => f.ruleId === id);
    const na = c.notApplicable.find((n) => n.ruleId === id);
    // A suppressed or not-applicable rule is a skipped case, with the reason as its message.
    const skippedBecause = suppressed
      ? `suppressed until ${suppressed.suppression.expires}: ${suppressed.suppression.reason}`
      : na && `not applicable: ${na.reason}`;
    if (skippedBecause)
      return {
        name,
        failed: false,
        errored: false,
        skipped: true,
        body: `<skipped message="${xml(skippedBecause)}"/>`,
      };
    return { name, failed: false, errored: false, skipped: false, body: '' };
  });
}

function suite(name: string, cases: Case[]) {
  const counts = {
    tests: cases.length,
    failures: cases.filter((k) => k.failed).length,
    errors: cases.filter((k) => k.errored).length,
    skipped: cases.filter((k) => k.skipped).length,
  };
  const lines = [
    `  <testsuite name="${xml(name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}">`,
    ...cases.map((k) =>
      k.body
        ? `    <testcase classname="${xml(name)}" name="${xml(k.name)}">${k.body}</testcase>`
        : `    <testcase classname="${xml(name)}" name="${xml(k.name)}"/>`,
    ),
    '  </testsuite>',
  ];
  return { counts, xml: lines.join('\n') };
}
