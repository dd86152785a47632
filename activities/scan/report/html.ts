import type { ScanReport } from '../../../common/scan/report';
import type { TrendPoint } from '../../../common/scan/report-transfer';
import { SEVERITIES, type Severity } from '../../../common/scan/severity';

/** Text from a workload (names, evidence, errors) as inert HTML: every character markup gives meaning
 * to is escaped, so a container cannot plant markup or script in a report (as `inert` for Markdown). */
export function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLOURS: Record<Severity, string> = {
  critical: '#8b0000',
  high: '#d9480f',
  medium: '#e6a700',
  low: '#1c7ed6',
  info: '#868e96',
};

/**
 * The report as one self-contained HTML page (no external file, font or script; a CSP forbids any):
 * a summary by severity and by host, what is new and fixed since the last scan, a chart of findings
 * over the last scans, and every finding with its evidence and remediation in a table filtered by
 * severity, host and text. Generic over findings: only the Finding fields are read.
 */
export function toHtml(r: ScanReport): string {
  const s = r.summary;
  const rows = r.containers.flatMap((c) =>
    c.findings.map((f) => ({
      host: c.host,
      container: c.name,
      image: c.image,
      f,
      isNew: r.diff.new.some((d) => d.fingerprint === f.fingerprint),
    })),
  );
  const hosts = [...new Set([...r.hosts.map((h) => h.host), ...r.containers.map((c) => c.host)])];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dockhand security scan ${html(r.reportId)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Dockhand security scan</h1>
<p>Report <code>${html(r.reportId)}</code>, ${html(r.startedAt)} → ${html(r.finishedAt)}. ${s.containers.scanned} container(s) scanned on ${s.hosts.scanned.length} host(s)${s.hosts.unreachable.length ? `; <strong>not scanned: ${s.hosts.unreachable.map(html).join(', ')}</strong>` : ''}.</p>
</header>
<section id="summary" aria-label="summary">
<div class="card score"><span class="n" data-summary="score">${s.score}</span><span>score /100</span></div>
${SEVERITIES.map((k) => `<div class="card" style="border-color:${COLOURS[k]}"><span class="n" data-summary="${k}">${s.counts[k]}</span><span>${k}</span></div>`).join('\n')}
<div class="card"><span class="n" data-summary="suppressed">${s.suppressed}</span><span>suppressed</span></div>
</section>
<section id="hosts">
<h2>By host</h2>
<table><thead><tr><th>host</th><th>status</th><th>containers</th>${SEVERITIES.map((k) => `<th>${k}</th>`).join('')}</tr></thead><tbody>
${hosts.map((h) => hostRow(r, h)).join('\n')}
</tbody></table>
</section>
<section id="diff">
<h2>Since ${r.diff.previousReportId ? `scan <code>${html(r.diff.previousReportId)}</code>` : 'no previous scan'}</h2>
<p><span data-diff="new">${r.diff.new.length}</span> new, <span data-diff="fixed">${r.diff.fixed.length}</span> fixed, <span data-diff="stillOpen">${r.diff.stillOpen.length}</span> still open.</p>
${diffList('New', r.diff.new)}${diffList('Fixed', r.diff.fixed)}
</section>
<section id="trend">
<h2>Findings over the last ${(r.trend ?? []).length || 1} scan(s)</h2>
${chart(r.trend?.length ? r.trend : [{ reportId: r.reportId, finishedAt: r.finishedAt, score: s.score, counts: s.counts }])}
</section>
<section id="findings">
<h2>Findings</h2>
<form id="filter" onsubmit="return false">
<label>Severity <select id="f-severity"><option value="">all</option>${SEVERITIES.map((k) => `<option value="${k}">${k}</option>`).join('')}</select></label>
<label>Host <select id="f-host"><option value="">all</option>${hosts.map((h) => `<option value="${html(h)}">${html(h)}</option>`).join('')}</select></label>
<label>Search <input id="f-text" type="search" placeholder="check, container, evidence"></label>
<label><input id="f-new" type="checkbox"> new only</label>
<output id="shown">${rows.length} of ${rows.length} shown</output>
</form>
<table id="findings-table"><thead><tr><th>severity</th><th>host</th><th>container</th><th>check</th><th>evidence</th><th>remediation</th></tr></thead><tbody>
${rows
  .map(
    ({ host, container, image, f, isNew }) =>
      `<tr data-severity="${f.severity}" data-host="${html(host)}" data-new="${isNew}"><td><span class="sev" style="background:${COLOURS[f.severity]}">${f.severity}</span>${isNew ? ' <span class="new">new</span>' : ''}</td><td>${html(host)}</td><td>${html(container)}<br><small>${html(image)}</small></td><td><code>${html(f.ruleId)}</code> ${html(f.title)}</td><td><ul>${f.evidence.map((e) => `<li>${html(e)}</li>`).join('')}</ul></td><td>${html(f.remediation)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
${rows.length ? '' : '<p>No open findings.</p>'}
</section>
${otherSections(r)}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function hostRow(r: ScanReport, host: string): string {
  const h = r.hosts.find((x) => x.host === host);
  const containers = r.containers.filter((c) => c.host === host);
  const counts = SEVERITIES.map((k) =>
    containers.reduce((n, c) => n + c.findings.filter((f) => f.severity === k).length, 0),
  );
  const status = h?.status === 'unreachable' ? `not scanned: ${h.error ?? 'unreachable'}` : 'scanned';
  return `<tr data-host-row="${html(host)}"><td>${html(host)}</td><td>${html(status)}</td><td>${containers.length}</td>${counts.map((n) => `<td>${n}</td>`).join('')}</tr>`;
}

function diffList(title: string, entries: ScanReport['diff']['new']): string {
  if (!entries.length) return '';
  return `<details><summary>${title} (${entries.length})</summary><ul>${entries
    .map((e) => `<li><code>${html(e.ruleId)}</code> on ${html(e.host)}/${html(e.container)}</li>`)
    .join('')}</ul></details>\n`;
}

/** Stacked bars of open findings by severity per scan, oldest left; an SVG drawn here, no script. */
export function chart(points: TrendPoint[]): string {
  const W = 640;
  const H = 200;
  const pad = 30;
  const max = Math.max(1, ...points.map((p) => SEVERITIES.reduce((n, k) => n + p.counts[k], 0)));
  const slot = (W - pad * 2) / points.length;
  const bar = Math.max(4, Math.min(40, slot * 0.7));
  const bars = points.map((p, i) => {
    let y = H - pad;
    const x = pad + i * slot + (slot - bar) / 2;
    const parts = [...SEVERITIES].reverse().map((k) => {
      const h = (p.counts[k] / max) * (H - pad * 2);
      y -= h;
      return h > 0
        ? `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[k]}"><title>${html(p.reportId)}: ${p.counts[k]} ${k}</title></rect>`
        : '';
    });
    const total = SEVERITIES.reduce((n, k) => n + p.counts[k], 0);
    return `<g data-report="${html(p.reportId)}">${parts.join('')}<text x="${(x + bar / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle">${total}</text></g>`;
  });
  const legend = SEVERITIES.map(
    (k, i) =>
      `<rect x="${pad + i * 90}" y="4" width="10" height="10" fill="${COLOURS[k]}"/><text x="${pad + i * 90 + 14}" y="13">${k}</text>`,
  );
  return `<svg id="trend-chart" role="img" aria-label="open findings by severity over the last ${points.length} scan(s)" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${legend.join('')}<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#999"/>${bars.join('')}<text x="${pad}" y="${H - 8}">${html(points[0]!.finishedAt.slice(0, 10))}</text><text x="${W - pad}" y="${H - 8}" text-anchor="end">${html(points[points.length - 1]!.finishedAt.slice(0, 10))}</text></svg>`;
}

function otherSections(r: ScanReport): string {
  const suppressed = r.containers.flatMap((c) => c.suppressed.map((f) => ({ c, f })));
  const notScanned = r.containers.filter((c) => c.status !== 'scanned');
  const out: string[] = [...vulnerabilitySections(r)];
  if (suppressed.length)
    out.push(
      `<section id="suppressed"><h2>Suppressed (accepted risks)</h2><ul>${suppressed
        .map(
          ({ c, f }) =>
            `<li><code>${html(f.ruleId)}</code> on ${html(c.host)}/${html(c.name)} until ${html(f.suppression.expires)}: ${html(f.suppression.reason)}</li>`,
        )
        .join('')}</ul></section>`,
    );
  if (notScanned.length)
    out.push(
      `<section id="not-scanned"><h2>Containers not scanned</h2><ul>${notScanned
        .map(
          (c) => `<li>${html(c.host)}/${html(c.name)}: ${html(c.status)}${c.error ? ` — ${html(c.error)}` : ''}</li>`,
        )
        .join('')}</ul></section>`,
    );
  return out.join('\n');
}

/** Trivy's part (when the scan ran it): what the reader must know about the data first, then each host's
 * database and images, the commands that ship the critical fixes, and the SBOMs with what changed. */
function vulnerabilitySections(r: ScanReport): string[] {
  const v = r.vulnerabilities;
  if (!v) return [];
  const hostLine = (h: NonNullable<ScanReport['vulnerabilities']>['hosts'][number]) =>
    h.status === 'unavailable'
      ? `<li data-vuln-host="${html(h.host)}">${html(h.host)}: unavailable — ${html(h.reason ?? '')}</li>`
      : `<li data-vuln-host="${html(h.host)}">${html(h.host)}: ${
          h.images
            .map((i) => `${html(i.image)} (${i.status === 'scanned' ? i.vulnerabilities : 'failed'})`)
            .join(', ') || 'no images'
        }${h.db ? `; database ${html(h.db.source)}${h.db.ageDays !== undefined ? `, ${h.db.ageDays} day(s) old` : ''}` : ''}${h.trivyVersion ? `, Trivy ${html(h.trivyVersion)}` : ''}</li>`;
  const out = [
    `<section id="vulnerabilities"><h2>Image vulnerabilities (Trivy)</h2>${
      v.notices.length
        ? `<ul class="notices">${v.notices.map((n) => `<li data-notice><strong>Note:</strong> ${html(n)}</li>`).join('')}</ul>`
        : ''
    }<ul>${v.hosts.map(hostLine).join('')}</ul></section>`,
  ];
  if (r.remediation?.length)
    out.push(
      `<section id="remediation"><h2>Fixes to ship (critical, fixed version published)</h2><ul>${r.remediation
        .map(
          (f) =>
            `<li>${html(f.host)}/${html(f.container)}: <code>${html(f.ruleId)}</code> — ${html(f.package)} ≥ ${html(f.fixed)}: <code>${html(f.command)}</code></li>`,
        )
        .join('')}</ul></section>`,
    );
  if (r.sboms?.length)
    out.push(
      `<section id="sboms"><h2>SBOMs (CycloneDX, in the report's folder on the orchestrator)</h2><ul>${r.sboms
        .map(
          (b) =>
            `<li>${html(b.image)}: ${b.packages.length} package(s), <code>${html(b.file)}</code>${
              b.previousImageId
                ? `; since the last scan ${b.added?.length ?? 0} added, ${b.removed?.length ?? 0} removed`
                : ''
            }</li>`,
        )
        .join('')}</ul></section>`,
    );
  return out;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{margin:0 0 4px}h2{margin-top:28px;border-bottom:1px solid #ddd}
#summary{display:flex;gap:8px;flex-wrap:wrap}
.card{border:2px solid #ccc;border-left-width:8px;border-radius:6px;padding:8px 14px;min-width:90px;display:flex;flex-direction:column}
.card .n{font-size:26px;font-weight:700}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
td ul{margin:0;padding-left:16px}
.sev{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}
.new{background:#2b8a3e;color:#fff;border-radius:4px;padding:1px 6px;font-size:12px}
form{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin:8px 0}
svg text{font-size:11px;fill:#444}
`;

// Runs in the page: filters the findings table. Plain ES2015, no library.
const SCRIPT = `
(function () {
  var table = document.getElementById('findings-table');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var sev = document.getElementById('f-severity');
  var host = document.getElementById('f-host');
  var text = document.getElementById('f-text');
  var onlyNew = document.getElementById('f-new');
  var shown = document.getElementById('shown');
  function apply() {
    var n = 0;
    var q = text.value.toLowerCase();
    rows.forEach(function (tr) {
      var ok = (!sev.value || tr.getAttribute('data-severity') === sev.value) &&
        (!host.value || tr.getAttribute('data-host') === host.value) &&
        (!onlyNew.checked || tr.getAttribute('data-new') === 'true') &&
        (!q || tr.textContent.toLowerCase().indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  [sev, host, onlyNew].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
})();
`;
