import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScanReport } from '../../../common/scan/report';
import type { Baseline, HostScan } from '../../../common/scan/scan-result';
import { TREND_LENGTH, type TrendPoint } from '../../../common/scan/report-transfer';

const LATEST = 'latest';
const BASELINE = 'baseline.json';
/** Staged results of a report being built (one file per part), next to its report files. */
const PARTS = 'parts';
/** The last scans' summaries (the HTML report's chart), oldest first. */
const TREND = 'trend.json';
/** report.json gzipped and base64-encoded: what travels to the CLI (report-transfer.ts). */
const TRANSFER = 'report.json.gz.b64';

/**
 * The reports directory: one folder per report (report.json, report.sarif, report.md and the encoded
 * report that travels to the CLI), a `latest` file naming the newest report, trend.json (the last
 * scans' summaries) and baseline.json (the runtime-drift baseline). Files are written
 * to a temporary name and renamed, so a crash never leaves half a report behind.
 */
export class ReportStore {
  constructor(readonly dir: string) {}

  async latest(): Promise<ScanReport | undefined> {
    const id = (await readFile(path.join(this.dir, LATEST), 'utf8').catch(() => '')).trim();
    return id ? this.byId(id) : undefined;
  }

  async byId(reportId: string): Promise<ScanReport | undefined> {
    const text = await readFile(path.join(this.dir, reportId, 'report.json'), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as ScanReport);
  }

  /** Stages one part of a report's results (see reportParts) before the report is built. */
  async savePart(reportId: string, part: number, hosts: HostScan[]): Promise<void> {
    const dir = path.join(this.dir, reportId, PARTS);
    await mkdir(dir, { recursive: true });
    await atomicWrite(path.join(dir, `${part}.json`), JSON.stringify(hosts));
  }

  /** The staged parts 0…count-1 of a report; a missing one is an error naming it. */
  async parts(reportId: string, count: number): Promise<HostScan[][]> {
    const out: HostScan[][] = [];
    for (let i = 0; i < count; i++) {
      const file = path.join(this.dir, reportId, PARTS, `${i}.json`);
      const text = await readFile(file, 'utf8').catch(() => {
        throw new Error(`parts: part ${i} of report ${reportId} was never staged (${file})`);
      });
      out.push(JSON.parse(text) as HostScan[]);
    }
    return out;
  }

  /** Writes an image's SBOM (staged while the scan runs) into the report's folder; `file` is relative
   * to it (see sbomFileName). The same image twice: the same file again. */
  async saveSbom(reportId: string, file: string, text: string): Promise<void> {
    const target = path.join(this.dir, reportId, file);
    await mkdir(path.dirname(target), { recursive: true });
    await atomicWrite(target, text);
  }

  /** The SBOMs staged for a report: file (relative) → text. */
  async sboms(reportId: string): Promise<Array<{ file: string; text: string }>> {
    const dir = path.join(this.dir, reportId, 'sbom');
    const names = await readdir(dir).catch(() => [] as string[]);
    return Promise.all(
      names
        .filter((n) => n.endsWith('.cdx.json'))
        .sort()
        .map(async (n) => ({ file: `sbom/${n}`, text: await readFile(path.join(dir, n), 'utf8') })),
    );
  }

  /** The trend index (absent: none yet). */
  async trend(): Promise<TrendPoint[]> {
    const text = await readFile(path.join(this.dir, TREND), 'utf8').catch(() => '[]');
    return JSON.parse(text) as TrendPoint[];
  }

  /** The trend with `point` in it, last; a point of the same report replaces the old one, so writing a
   * report twice (an activity retry) leaves one point. At most TREND_LENGTH points. */
  async trendWith(point: TrendPoint): Promise<TrendPoint[]> {
    return [...(await this.trend()).filter((p) => p.reportId !== point.reportId), point].slice(-TREND_LENGTH);
  }

  async saveTrend(trend: TrendPoint[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await atomicWrite(path.join(this.dir, TREND), `${JSON.stringify(trend)}\n`);
  }

  /** The encoded report that travels (see report-transfer.ts); a report never written is an error. */
  async transfer(reportId: string): Promise<string> {
    const file = path.join(this.dir, reportId, TRANSFER);
    return readFile(file, 'utf8').catch(() => {
      throw new Error(`reportId: no report ${reportId} in the report store (${file})`);
    });
  }

  async baseline(): Promise<Baseline> {
    const text = await readFile(path.join(this.dir, BASELINE), 'utf8').catch(() => '{}');
    return JSON.parse(text) as Baseline;
  }

  async saveBaseline(baseline: Baseline): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await atomicWrite(path.join(this.dir, BASELINE), `${JSON.stringify(baseline, null, 2)}\n`);
  }

  /** Writes the report's files and then points `latest` at it. */
  async save(
    report: ScanReport,
    files: { json: string; sarif: string; markdown: string; transfer: string },
  ): Promise<{ dir: string; json: string; sarif: string; markdown: string }> {
    const dir = path.join(this.dir, report.reportId);
    await mkdir(dir, { recursive: true });
    const out = {
      dir,
      json: path.join(dir, 'report.json'),
      sarif: path.join(dir, 'report.sarif'),
      markdown: path.join(dir, 'report.md'),
    };
    await atomicWrite(out.json, files.json);
    await atomicWrite(out.sarif, files.sarif);
    await atomicWrite(out.markdown, files.markdown);
    await atomicWrite(path.join(dir, TRANSFER), files.transfer);
    await atomicWrite(path.join(this.dir, LATEST), `${report.reportId}\n`);
    return out;
  }
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
