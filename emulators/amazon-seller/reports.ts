import { gzipSync } from 'node:zlib';
import { DAY_MS, isoAt } from '../world/index.js';
import { notFound } from './errors.js';
import { feedbackRowsBetween, renderFeedbackReport } from './feedback-report.js';
import { hashedChars, reportIdOf, uuidOf } from './ids.js';
import { renderReturnsReport, returnRowsBetween } from './returns-report.js';
import type { SellerAccount } from './types.js';

export const RETURNS_REPORT_TYPE = 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE';
export const FEEDBACK_REPORT_TYPE = 'GET_SELLER_FEEDBACK_DATA';
/** "You can request up to 60 days of data in a single report." */
export const RETURNS_MAX_WINDOW_DAYS = 60;
export const REPORT_TYPES = [RETURNS_REPORT_TYPE, FEEDBACK_REPORT_TYPE] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export type ProcessingStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';

export interface ReportSpec {
  reportType: ReportType;
  marketplaceIds: string[];
  dataStartMs: number;
  dataEndMs: number;
}

/** A report document as stored behind its pre-signed URL. */
export interface ReportDocument {
  reportDocumentId: string;
  /** The object's key in the (emulated) S3 bucket. */
  objectKey: string;
  body: Buffer;
  compressionAlgorithm: 'GZIP' | null;
}

interface ReportRecord extends ReportSpec {
  reportId: string;
  createdMs: number;
  outcome: 'DONE' | 'CANCELLED' | 'FATAL';
  document: ReportDocument | null;
}

/** Reports the next createReport calls turn into, whatever their data. */
export interface ReportFaults {
  fatalNextReports: number;
  cancelNextReports: number;
}

/** What clients did with reports. */
export interface ReportStats {
  reportsCreated: Record<string, number>;
  /** How the reports created so far end (or will end): DONE with a document, CANCELLED for want of data, FATAL. */
  reportOutcomes: Record<string, number>;
  reportPolls: number;
}

/** Amazon's time format in the Reports API: `2023-07-30T18:25:38+00:00`. */
export function reportTime(ms: number): string {
  return isoAt(ms).replace(/Z$/, '+00:00');
}

/**
 * The seller's reports. Each is decided when it is created (its rows, or why it fails) and then moves through
 * IN_QUEUE and IN_PROGRESS, half of `processingMs` each, by the real clock, to its outcome. A report with no rows
 * ends CANCELLED, as Amazon cancels reports that have no data.
 */
export class ReportStore {
  private readonly reports = new Map<string, ReportRecord>();
  private readonly documents = new Map<string, ReportRecord>();
  private readonly created: Record<string, number> = {};
  private readonly outcomes: Record<string, number> = {};
  private polls = 0;
  private faults: ReportFaults = { fatalNextReports: 0, cancelNextReports: 0 };
  private readonly documentToken: string;

  constructor(
    private readonly account: SellerAccount,
    private readonly processingMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.documentToken = hashedChars(account.seed, 'document-token', 0, 14, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  }

  /** Accepts a validated request and returns its reportId. */
  create(spec: ReportSpec): string {
    const n = this.reports.size;
    const record: ReportRecord = { ...spec, reportId: reportIdOf(this.account.seed, n), createdMs: this.nowMs(), outcome: 'DONE', document: null };
    Object.assign(record, this.decide(spec, n));
    this.reports.set(record.reportId, record);
    if (record.document) this.documents.set(record.document.reportDocumentId, record);
    this.created[spec.reportType] = (this.created[spec.reportType] ?? 0) + 1;
    this.outcomes[record.outcome] = (this.outcomes[record.outcome] ?? 0) + 1;
    return record.reportId;
  }

  /** The Report object as getReport answers it now; counts the poll. */
  view(reportId: string): Record<string, unknown> {
    const record = this.reports.get(reportId);
    if (!record) throw notFound(`Report ${reportId} was not found.`);
    this.polls++;
    const elapsedMs = this.nowMs() - record.createdMs;
    const status: ProcessingStatus = elapsedMs >= this.processingMs ? record.outcome : elapsedMs >= this.processingMs / 2 ? 'IN_PROGRESS' : 'IN_QUEUE';
    const started = status !== 'IN_QUEUE';
    const ended = started && status !== 'IN_PROGRESS';
    return {
      marketplaceIds: record.marketplaceIds,
      reportId: record.reportId,
      reportType: record.reportType,
      dataStartTime: reportTime(record.dataStartMs),
      dataEndTime: reportTime(record.dataEndMs),
      createdTime: reportTime(record.createdMs),
      processingStatus: status,
      ...(started ? { processingStartTime: reportTime(record.createdMs + this.processingMs / 2) } : {}),
      ...(ended ? { processingEndTime: reportTime(record.createdMs + this.processingMs) } : {}),
      ...(ended && record.document ? { reportDocumentId: record.document.reportDocumentId } : {}),
    };
  }

  /** A document of a report that has finished; a document id no finished report named is not found. */
  document(reportDocumentId: string): ReportDocument {
    const record = this.documents.get(reportDocumentId);
    if (!record || this.nowMs() - record.createdMs < this.processingMs) throw notFound(`Report document ${reportDocumentId} was not found.`);
    return record.document!;
  }

  /** A document by its object key, for the download URL. */
  objectByKey(objectKey: string): ReportDocument | undefined {
    for (const record of this.documents.values()) if (record.document!.objectKey === objectKey) return record.document!;
    return undefined;
  }

  setFaults(patch: Partial<ReportFaults>): ReportFaults {
    this.faults = { ...this.faults, ...patch };
    return this.currentFaults();
  }

  currentFaults(): ReportFaults {
    return { ...this.faults };
  }

  stats(): ReportStats {
    return { reportsCreated: { ...this.created }, reportOutcomes: { ...this.outcomes }, reportPolls: this.polls };
  }

  private decide(spec: ReportSpec, n: number): Pick<ReportRecord, 'outcome' | 'document'> {
    if (this.faults.fatalNextReports > 0) {
      this.faults.fatalNextReports--;
      return { outcome: 'FATAL', document: null };
    }
    if (this.faults.cancelNextReports > 0) {
      this.faults.cancelNextReports--;
      return { outcome: 'CANCELLED', document: null };
    }
    if (spec.reportType === RETURNS_REPORT_TYPE && spec.dataEndMs - spec.dataStartMs > RETURNS_MAX_WINDOW_DAYS * DAY_MS) {
      // A FATAL report may carry a document that says why it failed.
      const reason = `Date range exceeded. Report can be requested only upto ${RETURNS_MAX_WINDOW_DAYS} days.\n`;
      return { outcome: 'FATAL', document: this.documentOf(n, Buffer.from(reason, 'utf8'), null) };
    }
    const { account } = this;
    const body =
      spec.reportType === RETURNS_REPORT_TYPE
        ? this.rendered(returnRowsBetween(account, spec.dataStartMs, spec.dataEndMs), renderReturnsReport)
        : this.rendered(feedbackRowsBetween(account, spec.dataStartMs, spec.dataEndMs), (rows) => renderFeedbackReport(rows, account.marketplace));
    if (body === null) return { outcome: 'CANCELLED', document: null };
    // Returns documents come gzip-compressed; the small feedback file comes plain.
    const gzip = spec.reportType === RETURNS_REPORT_TYPE;
    return { outcome: 'DONE', document: this.documentOf(n, gzip ? gzipSync(body) : Buffer.from(body, 'utf8'), gzip ? 'GZIP' : null) };
  }

  private rendered<Row>(rows: readonly Row[], render: (rows: readonly Row[]) => string): string | null {
    return rows.length === 0 ? null : render(rows);
  }

  private documentOf(n: number, body: Buffer, compressionAlgorithm: 'GZIP' | null): ReportDocument {
    const { seed, marketplace } = this.account;
    const uuid = uuidOf(seed, 'report-document', n);
    return {
      reportDocumentId: `amzn1.spdoc.1.4.${marketplace.region}.${uuid}.${this.documentToken}.${2400 + n}`,
      objectKey: `${uuid}.amzn1.tortuga.4.${marketplace.region}.${this.documentToken}`,
      body,
      compressionAlgorithm,
    };
  }
}
