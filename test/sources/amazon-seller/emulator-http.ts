import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { AmazonSellerEmulator } from '../../../emulators/amazon-seller';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ErrorList {
  errors: { code: string; message: string; details: string }[];
}

export type SpOrderView = Record<string, unknown> & { AmazonOrderId: string; PurchaseDate: string; LastUpdateDate: string; OrderStatus: string };

export interface OrdersPayload {
  payload: { Orders: SpOrderView[]; NextToken?: string; CreatedBefore?: string; LastUpdatedBefore?: string };
}

export interface ReportView {
  reportId: string;
  reportType: string;
  processingStatus: string;
  createdTime: string;
  dataStartTime: string;
  dataEndTime: string;
  marketplaceIds: string[];
  processingStartTime?: string;
  processingEndTime?: string;
  reportDocumentId?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock the test moves by hand, for the emulator's access tokens and the connector's alike. */
export function handClock(startMs: number): { now: () => number; advance: (seconds: number) => void } {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (seconds) => void (nowMs += seconds * 1000) };
}

async function answerOf<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** GET with `x-amz-access-token` (the emulator's unless told otherwise; null sends none). */
export async function spGet<T = unknown>(em: AmazonSellerEmulator, path: string, token: string | null = em.accessToken): Promise<Answer<T>> {
  return answerOf<T>(await fetch(`${em.url}${path}`, { headers: token === null ? {} : { 'x-amz-access-token': token } }));
}

/** POST a JSON body with the emulator's access token. */
export async function spPost<T = unknown>(em: AmazonSellerEmulator, path: string, body: unknown): Promise<Answer<T>> {
  return answerOf<T>(await fetch(`${em.url}${path}`, { method: 'POST', headers: { 'x-amz-access-token': em.accessToken, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

/** POST /_emulator/mutate. */
export async function spMutate<T = Record<string, unknown>>(em: AmazonSellerEmulator, body: unknown): Promise<Answer<T>> {
  return answerOf<T>(await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

/** `/orders/v0/orders?...` for the emulator's marketplace and the given parameters. */
export function ordersPath(em: AmazonSellerEmulator, params: Record<string, string>): string {
  return `/orders/v0/orders?${new URLSearchParams({ MarketplaceIds: em.marketplaceId, ...params }).toString()}`;
}

/** Pages getOrders with NextToken until it stops, checking every page's size; returns the orders and the first page's bound. */
export async function pageOrders(em: AmazonSellerEmulator, params: Record<string, string>, pageSize: number): Promise<{ orders: SpOrderView[]; pages: OrdersPayload['payload'][] }> {
  const orders: SpOrderView[] = [];
  const pages: OrdersPayload['payload'][] = [];
  let answer = await spGet<OrdersPayload>(em, ordersPath(em, { ...params, MaxResultsPerPage: String(pageSize) }));
  for (;;) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const { payload } = answer.body;
    expect(payload.Orders.length).toBeLessThanOrEqual(pageSize);
    pages.push(payload);
    orders.push(...payload.Orders);
    if (!payload.NextToken) return { orders, pages };
    expect(payload.Orders.length).toBe(pageSize);
    answer = await spGet<OrdersPayload>(em, ordersPath(em, { NextToken: payload.NextToken }));
  }
}

/** Creates a report and returns its id, expecting 202. */
export async function createReport(em: AmazonSellerEmulator, body: Record<string, unknown>): Promise<string> {
  const answer = await spPost<{ reportId: string }>(em, '/reports/2021-06-30/reports', { marketplaceIds: [em.marketplaceId], ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body.reportId;
}

/** Polls getReport until processing ends; returns every status seen, in order, and the final report. */
export async function pollReport(em: AmazonSellerEmulator, reportId: string, intervalMs = 40): Promise<{ statuses: string[]; report: ReportView }> {
  const statuses: string[] = [];
  for (let i = 0; i < 500; i++) {
    const { status, body } = await spGet<ReportView>(em, `/reports/2021-06-30/reports/${reportId}`);
    expect(status).toBe(200);
    if (statuses[statuses.length - 1] !== body.processingStatus) statuses.push(body.processingStatus);
    if (!['IN_QUEUE', 'IN_PROGRESS'].includes(body.processingStatus)) return { statuses, report: body };
    await sleep(intervalMs);
  }
  throw new Error(`report ${reportId} never finished`);
}

/** getReportDocument, then the download from its URL (no SP-API token), decompressed when the document says GZIP. */
export async function downloadReport(em: AmazonSellerEmulator, reportDocumentId: string): Promise<{ url: string; compressionAlgorithm?: string; text: string }> {
  const doc = await spGet<{ reportDocumentId: string; url: string; compressionAlgorithm?: string }>(em, `/reports/2021-06-30/documents/${encodeURIComponent(reportDocumentId)}`);
  expect(doc.status).toBe(200);
  const response = await fetch(doc.body.url);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { url: doc.body.url, compressionAlgorithm: doc.body.compressionAlgorithm, text: (doc.body.compressionAlgorithm === 'GZIP' ? gunzipSync(bytes) : bytes).toString('utf8') };
}

/** A tab-separated file as its header and its rows of raw cells. */
export function parseTsv(text: string): { header: string[]; rows: string[][] } {
  const [header = '', ...lines] = text.replace(/\n$/, '').split('\n');
  return { header: header.split('\t'), rows: lines.map((l) => l.split('\t')) };
}
