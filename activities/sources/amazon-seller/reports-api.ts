import { parse } from 'csv-parse/sync';
import type { OperationLimit, ReportApi, ReportStatus } from '../spec';

// Reports API 2021-06-30 (https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference).
const CREATE_REPORT: OperationLimit = { operation: 'createReport', requestsPerSecond: 0.0167, burst: 15 };
const GET_REPORT: OperationLimit = { operation: 'getReport', requestsPerSecond: 2, burst: 15 };
const GET_REPORT_DOCUMENT: OperationLimit = { operation: 'getReportDocument', requestsPerSecond: 0.0167, burst: 15 };

interface Report {
  reportId: string;
  reportType: string;
  processingStatus: 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';
  reportDocumentId?: string;
  dataStartTime?: string;
  dataEndTime?: string;
  marketplaceIds?: string[];
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function marketplaceOf(params: Readonly<Record<string, string>>): string {
  const id = params.marketplaceId;
  if (!id) throw new Error('an Amazon seller connection needs path_params.marketplaceId');
  return id;
}

/** Amazon's Reports API: create a report for a window, poll its processing status, locate its document. */
export const reportsApi: ReportApi = {
  async create(req, report, window) {
    const body = (await req.call('/reports/2021-06-30/reports', CREATE_REPORT, {
      body: { reportType: report.reportType, marketplaceIds: [marketplaceOf(req.params)], dataStartTime: iso(window.start), dataEndTime: iso(window.end) },
    })) as { reportId?: unknown };
    if (typeof body?.reportId !== 'string') throw new Error(`createReport answered without a reportId: ${JSON.stringify(body).slice(0, 200)}`);
    return body.reportId;
  },

  async status(req, reportId): Promise<ReportStatus> {
    const r = (await req.call(`/reports/2021-06-30/reports/${encodeURIComponent(reportId)}`, GET_REPORT)) as Report;
    switch (r.processingStatus) {
      case 'IN_QUEUE':
      case 'IN_PROGRESS':
        return { state: 'waiting', detail: r.processingStatus };
      case 'DONE':
        if (!r.reportDocumentId) throw new Error(`report ${reportId} is DONE without a reportDocumentId`);
        return {
          state: 'done',
          documentId: r.reportDocumentId,
          facts: { reportId: r.reportId, reportType: r.reportType, marketplaceIds: r.marketplaceIds ?? [], dataStartTime: r.dataStartTime ?? '', dataEndTime: r.dataEndTime ?? '' },
        };
      // "An automatic cancellation if there is no data to return."
      case 'CANCELLED':
        return { state: 'no_data', detail: 'CANCELLED' };
      case 'FATAL':
        return { state: 'failed', detail: `FATAL${r.reportDocumentId ? ` (error document ${r.reportDocumentId})` : ''}`, documentId: r.reportDocumentId };
      default:
        throw new Error(`report ${reportId} has an unknown processingStatus ${JSON.stringify(r.processingStatus)}`);
    }
  },

  async document(req, documentId) {
    const d = (await req.call(`/reports/2021-06-30/documents/${encodeURIComponent(documentId)}`, GET_REPORT_DOCUMENT)) as {
      url?: unknown;
      compressionAlgorithm?: unknown;
    };
    if (typeof d?.url !== 'string') throw new Error(`report document ${documentId} has no url`);
    return { url: d.url, compression: d.compressionAlgorithm === 'GZIP' ? 'gzip' : null };
  },

  // Flat files are tab-separated with a header row and no quoting: a quote is an ordinary character.
  parse(text) {
    return parse(text.replace(/^\uFEFF/, ''), { delimiter: '\t', columns: true, quote: false, relax_column_count: true, skip_empty_lines: true, trim: false }) as Record<string, string>[];
  },
};
