import { parse } from 'csv-parse/sync';
import { ConfigError, SourceAnswerError } from '../../../lib/errors';
import { belowLimit, type OperationLimit, type ReportApi, type ReportStatus, type SourceRequestContext } from '../spec';

// Reports API 2021-06-30 (https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference;
// usage plans per account-application pair at https://developer-docs.amazon.com/sp-api/docs/reports-api-rate-limits).
const CREATE_REPORT: OperationLimit = { operation: 'createReport', requestsPerSecond: belowLimit(0.0167, 'own'), burst: 15 };
const GET_REPORT: OperationLimit = { operation: 'getReport', requestsPerSecond: belowLimit(2, 'own'), burst: 15 };
const GET_REPORT_DOCUMENT: OperationLimit = { operation: 'getReportDocument', requestsPerSecond: belowLimit(0.0167, 'own'), burst: 15 };

interface Report {
  reportId: string;
  reportType: string;
  processingStatus: 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';
  reportDocumentId?: string;
  dataStartTime?: string;
  dataEndTime?: string;
  marketplaceIds?: string[];
}

const REPORTS_PATH = '/reports/2021-06-30/reports';
const DOCUMENTS_PATH = '/reports/2021-06-30/documents';

/** Said of every answer the Reports API 2021-06-30 would not give: asking again gets the same. */
const CHECK_API = "asking again gets the same answer: check that the connection's base_url serves the Selling Partner Reports API 2021-06-30";

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function marketplaceOf(req: SourceRequestContext): string {
  const id = req.params.marketplaceId;
  if (!id) throw new ConfigError(`connection "${req.origin(REPORTS_PATH).connectionId}": an Amazon seller connection needs path_params.marketplaceId; set it on the connection`);
  return id;
}

/** Amazon's Reports API: create a report for a window, poll its processing status, locate its document. */
export const reportsApi: ReportApi = {
  async create(req, report, window) {
    const body = (await req.call(REPORTS_PATH, CREATE_REPORT, {
      body: { reportType: report.reportType, marketplaceIds: [marketplaceOf(req)], dataStartTime: iso(window.start), dataEndTime: iso(window.end) },
    })) as { reportId?: unknown };
    if (typeof body?.reportId !== 'string') {
      throw new SourceAnswerError(`to createReport has no reportId: ${JSON.stringify(body).slice(0, 200)}`, CHECK_API, req.origin(REPORTS_PATH));
    }
    return body.reportId;
  },

  async status(req, reportId): Promise<ReportStatus> {
    const path = `${REPORTS_PATH}/${encodeURIComponent(reportId)}`;
    const r = (await req.call(path, GET_REPORT)) as Report;
    switch (r.processingStatus) {
      case 'IN_QUEUE':
      case 'IN_PROGRESS':
        return { state: 'waiting', detail: r.processingStatus };
      case 'DONE':
        if (!r.reportDocumentId) throw new SourceAnswerError(`says report ${reportId} is DONE but names no reportDocumentId`, CHECK_API, req.origin(path));
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
        throw new SourceAnswerError(
          `gives report ${reportId} the processingStatus ${JSON.stringify(r.processingStatus)}, none of IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL`,
          CHECK_API,
          req.origin(path),
        );
    }
  },

  async document(req, documentId) {
    const path = `${DOCUMENTS_PATH}/${encodeURIComponent(documentId)}`;
    const d = (await req.call(path, GET_REPORT_DOCUMENT)) as {
      url?: unknown;
      compressionAlgorithm?: unknown;
    };
    if (typeof d?.url !== 'string') throw new SourceAnswerError(`names no url for report document ${documentId}`, CHECK_API, req.origin(path));
    return { url: d.url, compression: d.compressionAlgorithm === 'GZIP' ? 'gzip' : null };
  },

  // Flat files are tab-separated with a header row and no quoting: a quote is an ordinary character.
  parse(text) {
    return parse(text.replace(/^\uFEFF/, ''), { delimiter: '\t', columns: true, quote: false, relax_column_count: true, skip_empty_lines: true, trim: false }) as Record<string, string>[];
  },
};
