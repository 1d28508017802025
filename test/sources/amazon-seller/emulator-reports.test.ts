import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FEEDBACK_COLUMNS, FEEDBACK_REPORT_TYPE, RETURN_COLUMNS, RETURNS_REPORT_TYPE, startAmazonSellerEmulator,
  type AmazonSellerEmulator, type AmazonSellerGroundTruth, type FeedbackRow, type ReturnRow,
} from '../../../emulators/amazon-seller';
import { createReport, downloadReport, parseTsv, pollReport, sleep, spGet, spMutate, spPost, type ErrorList } from './emulator-http';

const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PROCESSING_MS = 600;
const URL_TTL_MS = 1_500;
const iso = (ms: number): string => new Date(ms).toISOString();

/** `10-Jul-2025` → `2025-07-10`; a single space is a blank. */
function isoDateOf(cell: string): string | null {
  if (cell.trim() === '') return null;
  const [d, mon, y] = cell.split('-');
  return `${y}-${String(MONTHS.indexOf(mon!) + 1).padStart(2, '0')}-${d}`;
}

/** A returns-report line read back into the ground truth's parsed values. */
function returnRowFrom(cells: string[]): Omit<ReturnRow, 'requested_at'> {
  const row: Record<string, unknown> = {};
  RETURN_COLUMNS.forEach((column, i) => {
    const raw = cells[i]!;
    const blank = raw.trim() === '';
    if (column.kind === 'date') row[column.key] = isoDateOf(raw);
    else if (column.kind === 'flag') row[column.key] = raw === 'Y';
    else if (blank) row[column.key] = null;
    else row[column.key] = column.kind === 'text' ? raw : Number(raw);
  });
  return row as Omit<ReturnRow, 'requested_at'>;
}

/** The calendar date of an instant in a time zone, `YYYY-MM-DD`. */
function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

let em: AmazonSellerEmulator;
let truth: AmazonSellerGroundTruth;

beforeAll(async () => {
  em = await startAmazonSellerEmulator({ seed: 11, scale: 0.1, rateScale: 100_000, reportProcessingMs: PROCESSING_MS, documentUrlTtlMs: URL_TTL_MS });
  truth = em.truth();
});

afterAll(async () => {
  await em?.close();
});

/** The 60 days of returns that end with the latest return request. */
function busiestWindow(): { startMs: number; endMs: number; rows: ReturnRow[] } {
  const endMs = Date.parse(truth.returns[truth.returns.length - 1]!.requested_at);
  const startMs = endMs - 60 * DAY_MS;
  return { startMs, endMs, rows: truth.returns.filter((r) => Date.parse(r.requested_at) >= startMs && Date.parse(r.requested_at) <= endMs) };
}

describe('Amazon SP-API emulator returns report', () => {
  it('goes IN_QUEUE, IN_PROGRESS, DONE and serves a gzip document whose rows are the ground truth\'s returns in the window', async () => {
    const { startMs, endMs, rows } = busiestWindow();
    const created = await spPost<{ reportId: string }>(em, '/reports/2021-06-30/reports', { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [em.marketplaceId], dataStartTime: iso(startMs), dataEndTime: iso(endMs) });
    expect(created.status).toBe(202);
    expect(created.body.reportId).toMatch(/^\d{11}$/);
    expect(created.headers.get('x-amzn-ratelimit-limit')).toBe('1670.0');

    const { statuses, report } = await pollReport(em, created.body.reportId);
    expect(statuses).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'DONE']);
    expect(report).toMatchObject({ reportType: RETURNS_REPORT_TYPE, marketplaceIds: [em.marketplaceId], dataStartTime: iso(startMs).replace('.000Z', '+00:00') });
    expect(report.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(Date.parse(report.processingEndTime!)).toBeGreaterThanOrEqual(Date.parse(report.processingStartTime!));
    expect(report.reportDocumentId).toMatch(/^amzn1\.spdoc\.1\.4\.na\./);

    const { url, compressionAlgorithm, text } = await downloadReport(em, report.reportDocumentId!);
    expect(compressionAlgorithm).toBe('GZIP');
    expect(url.startsWith(`${em.url}/tortuga-prod-na/`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('2');
    const { header, rows: lines } = parseTsv(text);
    expect(header).toEqual(RETURN_COLUMNS.map((c) => c.header));
    expect(lines.every((cells) => cells.length === RETURN_COLUMNS.length)).toBe(true);
    expect(lines.map(returnRowFrom)).toEqual(rows.map(({ requested_at: _, ...row }) => row));
    expect(text).toMatch(/\t\d{2}-[A-Z][a-z]{2}-\d{4}\t/);
  });

  it('covers seller-fulfilled orders only, with partial quantities and varied reasons', () => {
    const mfn = new Set(truth.orders.filter((o) => o.order.FulfillmentChannel === 'MFN').map((o) => o.order.AmazonOrderId));
    expect(truth.returns.length).toBeGreaterThan(3);
    expect(truth.returns.every((r) => mfn.has(r.order_id))).toBe(true);
    expect(truth.returns.some((r) => r.return_quantity < r.order_quantity)).toBe(true);
    expect(new Set(truth.returns.map((r) => r.return_reason)).size).toBeGreaterThan(1);
  });

  it('ends FATAL, with a document saying why, for more than 60 days; exactly 60 days is accepted', async () => {
    const endMs = Date.parse(truth.anchor);
    const tooLong = await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(endMs - 61 * DAY_MS), dataEndTime: iso(endMs) });
    const fatal = await pollReport(em, tooLong);
    expect(fatal.report.processingStatus).toBe('FATAL');
    const { compressionAlgorithm, text } = await downloadReport(em, fatal.report.reportDocumentId!);
    expect(compressionAlgorithm).toBeUndefined();
    expect(text).toMatch(/Date range exceeded.*60 days/);
    const { startMs, endMs: lastMs } = busiestWindow();
    const sixty = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(lastMs) }));
    expect(sixty.report.processingStatus).toBe('DONE');
  });

  it('cancels a report with no data, as Amazon does', async () => {
    const anchorMs = Date.parse(truth.anchor);
    const empty = truth.returns.filter((r) => Date.parse(r.requested_at) > anchorMs - 60 * 60_000).length;
    expect(empty).toBe(0);
    const { report } = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(anchorMs - 60 * 60_000), dataEndTime: iso(anchorMs) }));
    expect(report.processingStatus).toBe('CANCELLED');
    expect(report.reportDocumentId).toBeUndefined();
  });
});

describe('Amazon SP-API emulator report documents', () => {
  it('expires the pre-signed URL after its time with S3\'s AccessDenied, and refuses a forged signature', async () => {
    const { startMs, endMs } = busiestWindow();
    const { report } = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(endMs) }));
    const doc = await spGet<{ url: string }>(em, `/reports/2021-06-30/documents/${report.reportDocumentId}`);
    const forged = new URL(doc.body.url);
    forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    const refused = await fetch(forged);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await fetch(doc.body.url)).status).toBe(200);
    await sleep(URL_TTL_MS + 100);
    const expired = await fetch(doc.body.url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toContain('application/xml');
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');
  });

  it('sets Content-Encoding: gzip on the download when asked with enableContentEncodingUrlHeader', async () => {
    const { startMs, endMs, rows } = busiestWindow();
    const { report } = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(endMs) }));
    const doc = await spGet<{ url: string; compressionAlgorithm: string }>(em, `/reports/2021-06-30/documents/${report.reportDocumentId}?enableContentEncodingUrlHeader=true`);
    expect(doc.body.compressionAlgorithm).toBe('GZIP');
    const response = await fetch(doc.body.url);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(parseTsv(await response.text()).rows.length).toBe(rows.length);
  });

  it('answers 404 for an unknown report or document and 400 for malformed ids', async () => {
    expect((await spGet<ErrorList>(em, '/reports/2021-06-30/reports/12345')).status).toBe(404);
    expect((await spGet<ErrorList>(em, '/reports/2021-06-30/reports/abc')).status).toBe(400);
    expect((await spGet<ErrorList>(em, '/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.nope')).status).toBe(404);
    expect((await spGet<ErrorList>(em, '/reports/2021-06-30/documents/nope')).status).toBe(400);
  });
});

describe('Amazon SP-API emulator report faults and validation', () => {
  it('ends the next reports FATAL or CANCELLED when told to, without a document', async () => {
    const { startMs, endMs } = busiestWindow();
    em.setFaults({ fatalNextReports: 1, cancelNextReports: 1 });
    const first = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(endMs) }));
    const second = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(endMs) }));
    const third = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(startMs), dataEndTime: iso(endMs) }));
    expect([first.statuses, second.statuses, third.statuses].map((s) => s[s.length - 1])).toEqual(['FATAL', 'CANCELLED', 'DONE']);
    expect(first.report.reportDocumentId).toBeUndefined();
    expect(second.report.reportDocumentId).toBeUndefined();
    expect(em.setFaults({})).toMatchObject({ fatalNextReports: 0, cancelNextReports: 0 });
  });

  it('answers 400 InvalidInput for an unknown report type, a missing marketplace, a future or reversed window', async () => {
    const now = Date.now();
    const bodies = [
      { reportType: 'GET_MERCHANT_LISTINGS_ALL_DATA', marketplaceIds: [em.marketplaceId] },
      { reportType: RETURNS_REPORT_TYPE },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: ['A1PA6795UKMFR9'] },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [em.marketplaceId], dataEndTime: iso(now + DAY_MS) },
      { reportType: RETURNS_REPORT_TYPE, marketplaceIds: [em.marketplaceId], dataStartTime: iso(now - DAY_MS), dataEndTime: iso(now - 2 * DAY_MS) },
    ];
    for (const body of bodies) {
      const answer = await spPost<ErrorList>(em, '/reports/2021-06-30/reports', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors[0]!.code).toBe('InvalidInput');
    }
  });

  it('counts reports created by type and getReport polls', async () => {
    const stats = em.stats();
    expect(stats.reportsCreated[RETURNS_REPORT_TYPE]).toBeGreaterThanOrEqual(8);
    expect(stats.reportPolls).toBeGreaterThan(stats.reportsCreated[RETURNS_REPORT_TYPE]! * 2);
    expect(await (await fetch(`${em.url}/_emulator/stats`)).json()).toEqual(em.stats());
  });
});

describe('Amazon SP-API emulator feedback report', () => {
  const feedbackCells = (row: FeedbackRow, date: string): string[] => [date, String(row.rating), row.comments, row.your_response ?? '', row.order_id, row.rater_email];

  it('serves one-to-three-star feedback of the window as a plain file with US dates (MM/DD/YY)', async () => {
    const expected = truth.feedback.filter((f) => f.rating <= 3);
    expect(expected.length).toBeGreaterThan(1);
    expect(truth.feedback.filter((f) => f.rating >= 4).length).toBeGreaterThan(truth.feedback.length / 2);
    const { report } = await pollReport(em, await createReport(em, { reportType: FEEDBACK_REPORT_TYPE, dataStartTime: iso(Date.parse(truth.anchor) - 800 * DAY_MS), dataEndTime: truth.anchor }));
    expect(report.processingStatus).toBe('DONE');
    const { compressionAlgorithm, text } = await downloadReport(em, report.reportDocumentId!);
    expect(compressionAlgorithm).toBeUndefined();
    const { header, rows } = parseTsv(text);
    expect(header).toEqual(FEEDBACK_COLUMNS.map((c) => c.header));
    expect(header).toEqual(['Date', 'Rating', 'Comments', 'Your Response', 'Order ID', 'Rater Email']);
    const us = (d: string): string => `${d.slice(5, 7)}/${d.slice(8, 10)}/${d.slice(2, 4)}`;
    expect(rows).toEqual(expected.map((f) => feedbackCells(f, us(f.date))));
    for (const f of expected) expect(f.date).toBe(localDate(Date.parse(f.left_at), 'America/Los_Angeles'));
  });

  it('prints a German marketplace\'s dates as DD.MM.YY and includes feedback a buyer left just now', async () => {
    const de = await startAmazonSellerEmulator({ seed: 11, scale: 0.1, rateScale: 100_000, reportProcessingMs: 100, marketplaceId: 'A1PA6795UKMFR9' });
    try {
      const order = de.truth().orders.find((o) => o.order.OrderStatus === 'Shipped')!;
      expect((order.order.OrderTotal as { CurrencyCode: string }).CurrencyCode).toBe('EUR');
      const before = Date.now() - 1000;
      const added = await spMutate<FeedbackRow>(de, { action: 'add_feedback', orderId: order.order.AmazonOrderId, rating: 2, comments: 'Paket kam beschädigt an.' });
      expect(added.status).toBe(200);
      expect((await spMutate(de, { action: 'add_feedback', orderId: order.order.AmazonOrderId, rating: 5, comments: 'again' })).status).toBe(400);
      const { report } = await pollReport(de, await createReport(de, { reportType: FEEDBACK_REPORT_TYPE, dataStartTime: iso(before), dataEndTime: iso(Date.now()) }));
      const { rows } = parseTsv((await downloadReport(de, report.reportDocumentId!)).text);
      const berlin = localDate(Date.now(), 'Europe/Berlin');
      const expected = `${berlin.slice(8, 10)}.${berlin.slice(5, 7)}.${berlin.slice(2, 4)}`;
      expect(rows).toEqual([[expected, '2', 'Paket kam beschädigt an.', '', order.order.AmazonOrderId, order.buyer_email]]);
      expect(order.buyer_email).toMatch(/@marketplace\.amazon\.de$/);
      expect(de.truth().feedback.some((f) => f.order_id === order.order.AmazonOrderId && f.rating === 2)).toBe(true);
    } finally {
      await de.close();
    }
  });

  it('adds a return requested now to the next returns report', async () => {
    const mfn = truth.orders.find((o) => o.order.FulfillmentChannel === 'MFN' && o.order.OrderStatus === 'Shipped' && !truth.returns.some((r) => r.order_id === o.order.AmazonOrderId))!;
    const afn = truth.orders.find((o) => o.order.FulfillmentChannel === 'AFN' && o.order.OrderStatus === 'Shipped')!;
    expect((await spMutate(em, { action: 'add_return', orderId: afn.order.AmazonOrderId, quantity: 1, reason: 'CR-DEFECTIVE' })).status).toBe(400);
    const before = Date.now() - 1000;
    const added = await spMutate<ReturnRow>(em, { action: 'add_return', orderId: mfn.order.AmazonOrderId, quantity: 1, reason: 'CR-UNWANTED_ITEM' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ order_id: mfn.order.AmazonOrderId, return_quantity: 1, return_request_status: 'Approved', return_delivery_date: null, refunded_amount: null });
    const { report } = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(before), dataEndTime: iso(Date.now()) }));
    const { rows } = parseTsv((await downloadReport(em, report.reportDocumentId!)).text);
    const { requested_at: _, ...row } = added.body;
    expect(rows.map(returnRowFrom)).toEqual([row]);
  });
});
