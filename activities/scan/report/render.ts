import type { ScanReport } from '../../../common/scan/report';
import type { ReportFormat } from '../../../common/scan/report-transfer';
import { toHtml } from './html';
import { toJunit } from './junit';
import { toMarkdown } from './markdown';
import { toSarif, type SarifLocator } from './sarif';

/** The report as the text of one format (what `dockhand scan --format … --output …` writes). Pure. */
export function renderReport(report: ScanReport, format: ReportFormat, o: { locate?: SarifLocator } = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(report, o.locate), null, 2)}\n`;
    case 'junit':
      return toJunit(report);
    case 'markdown':
      return toMarkdown(report);
    case 'html':
      return toHtml(report);
  }
}
