import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import { METRICS } from '../../../common/metrics';
import { ErrorType } from '../../../common/errors';
import type { ScanInput } from '../../../common/scan/scan-input';
import { baselineKey, type Baseline, type HostScan, type SecurityScanResult } from '../../../common/scan/scan-result';
import { RULES, ruleMeta } from '../rules';
import { checkEnabled } from '../../../common/scan/selection';
import { buildReport } from './build-report';
import { toMarkdown } from './markdown';
import { ReportStore } from './report-store';
import { toSarif } from './sarif';
import { joinParts } from '../../../common/scan/report-parts';
import { gunzipSync } from 'node:zlib';
import type { SbomEntry } from '../../../common/scan/report';
import type { VulnerabilityOptions } from '../../../common/scan/vulnerability';
import { MAX_NEW_SERIOUS_SHOWN, newSeriousFindings } from './new-serious';
import { diffSboms, sbomFileName, sbomPackages } from './sbom';
import { vulnerabilityRules } from './vulnerability-findings';
import { REPORT_ID, type ReadScanReportInput } from '../../../common/scan/report-transfer';
import { chunkOf, encodeReport, transferOf } from './report-transfer';

export interface WriteScanReportInput {
  reportId: string;
  startedAt: string;
  finishedAt: string;
  input: Pick<ScanInput, 'hosts' | 'containers' | 'checks' | 'suppressions'>;
  /** The results themselves (small fleets, and runs recorded before parts existed)… */
  hosts: HostScan[];
  /** …or how many parts were staged with stageScanPart: then `hosts` is empty and each part is read
   * from the store, so no single payload carries the whole fleet (review M8). */
  parts?: number;
  /** The scan's vulnerability options, when any host ran Trivy. */
  vulnerabilities?: VulnerabilityOptions;
}

/** Activities that run beside the workflows (orchestrator queue): they touch the reports directory,
 * never a Docker Engine. */
export function createReportActivities(dir: string, meter?: MetricMeter) {
  const store = new ReportStore(dir);
  // The latest scan's open findings by severity, for dashboards and alerts.
  const findings = meter?.createGauge(METRICS.scanFindings, 'int', '1', 'open findings of the latest scan');
  return {
    /** The runtime-drift baseline (processes recorded at each container's first scan). Read-only. */
    async loadScanBaseline(): Promise<Baseline> {
      return store.baseline();
    },

    /** Writes report.json / .sarif / .md, diffed against the previous report, records baselines for
     * containers seen for the first time (or with a new image), and returns the small summary.
     * Twice: the same report is written again and diffed against the same previous report. */
    /** Stages one part of a report's results (reportParts cuts them). Twice: the same file again. */
    async stageScanPart({
      reportId,
      part,
      hosts,
    }: {
      reportId: string;
      part: number;
      hosts: HostScan[];
    }): Promise<void> {
      if (!REPORT_ID.test(reportId)) throw new Error(`reportId: "${reportId}" is not a report id`);
      await store.savePart(reportId, part, hosts);
    },

    /** Stores one image's CycloneDX SBOM (gzipped, base64) in the report's folder. Twice: the same file. */
    async stageScanSbom({
      reportId,
      imageId,
      image,
      sbom,
    }: {
      reportId: string;
      host: string;
      imageId: string;
      image: string;
      sbom: string;
    }): Promise<void> {
      if (!REPORT_ID.test(reportId)) throw new Error(`reportId: "${reportId}" is not a report id`);
      const text = gunzipSync(Buffer.from(sbom, 'base64')).toString('utf8');
      await store.saveSbom(reportId, sbomFileName(image, imageId), text);
    },

    /** One chunk of a stored report's encoded JSON, for a CLI wherever it runs (readScanReport). Read-only. */
    async readScanReportChunk({ reportId, chunk }: ReadScanReportInput): Promise<string> {
      if (!REPORT_ID.test(reportId))
        throw ApplicationFailure.nonRetryable(`reportId: "${reportId}" is not a report id`, ErrorType.BadSpec);
      const encoded = await store.transfer(reportId).catch((e: Error) => {
        throw ApplicationFailure.nonRetryable(e.message, ErrorType.NotFound);
      });
      try {
        return chunkOf(encoded, chunk);
      } catch (e) {
        throw ApplicationFailure.nonRetryable((e as Error).message, ErrorType.BadSpec);
      }
    },

    async writeScanReport(written: WriteScanReportInput): Promise<SecurityScanResult> {
      const w = written.parts
        ? { ...written, hosts: joinParts(await store.parts(written.reportId, written.parts)) }
        : written;
      let previous = await store.latest();
      if (previous?.reportId === w.reportId)
        previous = previous.diff.previousReportId ? await store.byId(previous.diff.previousReportId) : undefined;
      const rules = [
        ...RULES.filter((r) => checkEnabled(r.id, w.input.checks)).map(ruleMeta),
        ...vulnerabilityRules(w.hosts),
      ];
      const sboms = w.vulnerabilities?.sbom ? diffSboms(await sbomEntries(store, w), previous?.sboms) : undefined;
      const built = buildReport({ ...w, rules, previous, ...(sboms ? { sboms } : {}) });
      const s = built.summary;
      const trend = await store.trendWith({
        reportId: built.reportId,
        finishedAt: built.finishedAt,
        score: s.score,
        counts: s.counts,
      });
      const report = { ...built, trend };
      const json = `${JSON.stringify(report, null, 2)}\n`;
      const transfer = encodeReport(json);
      const files = await store.save(report, {
        json,
        sarif: `${JSON.stringify(toSarif(report), null, 2)}\n`,
        markdown: toMarkdown(report),
        transfer,
      });
      await store.saveTrend(trend);
      for (const [severity, n] of Object.entries(s.counts)) findings?.set(n, { severity });
      await store.saveBaseline(nextBaseline(await store.baseline(), w.hosts, w.finishedAt));
      const serious = newSeriousFindings(report);
      return {
        reportId: report.reportId,
        report: transferOf(report.reportId, json, transfer),
        reportDir: files.dir,
        files: { json: files.json, sarif: files.sarif, markdown: files.markdown },
        score: report.summary.score,
        counts: report.summary.counts,
        suppressed: report.summary.suppressed,
        containers: report.summary.containers,
        hosts: report.summary.hosts,
        diff: {
          new: report.diff.new.length,
          fixed: report.diff.fixed.length,
          stillOpen: report.diff.stillOpen.length,
          ...(report.diff.previousReportId ? { previousReportId: report.diff.previousReportId } : {}),
        },
        ...(serious.length
          ? { newSerious: serious.slice(0, MAX_NEW_SERIOUS_SHOWN), newSeriousCount: serious.length }
          : {}),
        ...(report.vulnerabilities ? { notices: report.vulnerabilities.notices } : {}),
        ...(report.remediation?.length ? { remediation: report.remediation.slice(0, MAX_REMEDIATION_SHOWN) } : {}),
        ...(report.sboms
          ? {
              sboms: report.sboms.map((s) => ({
                image: s.image,
                file: path.join(files.dir, s.file),
                packages: s.packages.length,
                added: s.added?.length ?? 0,
                removed: s.removed?.length ?? 0,
              })),
            }
          : {}),
      };
    },
  };
}
export type ReportActivities = ReturnType<typeof createReportActivities>;

/** Remediation steps the workflow's result carries (the report lists them all). */
const MAX_REMEDIATION_SHOWN = 20;

/** The SBOMs staged for this report, with their packages: one entry per image name a scanned container
 * was started from (an image id under two names is read once, its SBOM listed under both names, so
 * each name is diffed against its own previous SBOM). */
async function sbomEntries(store: ReportStore, w: WriteScanReportInput): Promise<SbomEntry[]> {
  const staged = new Map((await store.sboms(w.reportId)).map((s) => [s.file, s.text]));
  const fileOf = new Map<string, string>();
  for (const i of w.hosts.flatMap((h) => h.vulnerabilities?.images ?? [])) {
    const file = sbomFileName(i.image, i.imageId);
    if (staged.has(file) && !fileOf.has(i.imageId)) fileOf.set(i.imageId, file);
  }
  const out = new Map<string, SbomEntry>();
  for (const c of w.hosts.flatMap((h) => h.containers)) {
    const file = fileOf.get(c.imageId);
    if (c.status !== 'scanned' || !file || out.has(c.image)) continue;
    out.set(c.image, {
      image: c.image,
      imageId: c.imageId,
      file,
      packages: sbomPackages(JSON.parse(staged.get(file)!) as object),
    });
  }
  return [...out.values()].sort((a, b) => a.image.localeCompare(b.image));
}

/** Baselines are recorded once per container and image: a known container keeps its first record,
 * so a process that appears later stays a finding until someone re-records it. */
export function nextBaseline(current: Baseline, hosts: HostScan[], at: string): Baseline {
  const next = { ...current };
  for (const c of hosts.flatMap((h) => h.containers)) {
    if (c.status !== 'scanned' || c.processes.length === 0) continue;
    const key = baselineKey(c.host, c.name);
    if (next[key]?.imageId === c.imageId) continue;
    next[key] = { imageId: c.imageId, processes: c.processes, recordedAt: at };
  }
  return next;
}
