import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FlatQuery } from '../http/querystring.js';
import { invalidInput } from './errors.js';
import { isMarketplaceId } from './marketplaces.js';
import { isoParam } from './orders-query.js';
import { s3ErrorXml, type PresignedUrls } from './presigned-urls.js';
import { REPORT_TYPES, type ReportSpec, type ReportStore, type ReportType } from './reports.js';
import type { SellerAccount } from './types.js';

const BASE = '/reports/2021-06-30';

const createReportSchema = z.object({
  reportType: z.string({ error: 'reportType is required.' }),
  marketplaceIds: z.array(z.string(), { error: 'marketplaceIds is required.' }).min(1, 'marketplaceIds needs at least one marketplace.'),
  dataStartTime: z.string().optional(),
  dataEndTime: z.string().optional(),
  reportOptions: z.record(z.string(), z.string()).optional(),
});

/** A createReport body as the emulator can use it, or the API's 400. */
export function reportSpecOf(body: unknown, account: SellerAccount, nowMs: number): ReportSpec {
  const parsed = createReportSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidInput(parsed.error.issues[0]?.message ?? 'Invalid request body.');
  const { reportType, marketplaceIds, dataStartTime, dataEndTime } = parsed.data;
  if (!(REPORT_TYPES as readonly string[]).includes(reportType)) throw invalidInput(`Invalid reportType: ${reportType}. This seller account offers ${REPORT_TYPES.join(', ')}.`);
  const unknown = marketplaceIds.find((id) => !isMarketplaceId(id));
  if (unknown !== undefined) throw invalidInput(`Invalid marketplaceId: ${unknown}.`);
  const foreign = marketplaceIds.find((id) => id !== account.marketplace.id);
  if (foreign !== undefined) throw invalidInput(`The seller is not registered in marketplace ${foreign}.`);
  // Both bounds default to now and may not lie after it.
  const dataEndMs = dataEndTime === undefined ? nowMs : isoParam(dataEndTime, 'dataEndTime');
  const dataStartMs = dataStartTime === undefined ? nowMs : isoParam(dataStartTime, 'dataStartTime');
  if (dataStartMs > nowMs || dataEndMs > nowMs) throw invalidInput('dataStartTime and dataEndTime must be prior to or equal to the current date and time.');
  if (dataStartMs > dataEndMs) throw invalidInput('dataStartTime must be prior to or equal to dataEndTime.');
  return { reportType: reportType as ReportType, marketplaceIds, dataStartMs, dataEndMs };
}

/** createReport, getReport and getReportDocument of the Reports API 2021-06-30, and the documents' download URLs. */
export function registerReportsRoutes(app: FastifyInstance, account: SellerAccount, reports: ReportStore, urls: PresignedUrls, nowMs: () => number): void {
  app.post(BASE + '/reports', async (request, reply) => reply.code(202).send({ reportId: reports.create(reportSpecOf(request.body, account, nowMs())) }));

  app.get(BASE + '/reports/:reportId', async (request: FastifyRequest<{ Params: { reportId: string } }>) => {
    if (!/^\d+$/.test(request.params.reportId)) throw invalidInput(`Invalid reportId: ${request.params.reportId}.`);
    return reports.view(request.params.reportId);
  });

  const bucket = `tortuga-prod-${account.marketplace.region}`;
  app.get(BASE + '/documents/:reportDocumentId', async (request: FastifyRequest<{ Params: { reportDocumentId: string } }>) => {
    const id = request.params.reportDocumentId;
    if (!id.startsWith('amzn1.spdoc.')) throw invalidInput(`Invalid reportDocumentId: ${id}.`);
    const document = reports.document(id);
    const wantsGzipHeader = (request.query as FlatQuery).enableContentEncodingUrlHeader === 'true' && document.compressionAlgorithm === 'GZIP';
    const url = urls.issue(`${request.protocol}://${request.headers.host}`, bucket, document.objectKey, wantsGzipHeader ? 'gzip' : 'identity');
    return { reportDocumentId: document.reportDocumentId, url, ...(document.compressionAlgorithm ? { compressionAlgorithm: document.compressionAlgorithm } : {}) };
  });

  // The pre-signed URL needs no SP-API token: the signature in it is the credential.
  app.get(`/${bucket}/:objectKey`, async (request: FastifyRequest<{ Params: { objectKey: string } }>, reply) => {
    const signature = (request.query as FlatQuery)['X-Amz-Signature'];
    const presented = urls.present(request.params.objectKey, typeof signature === 'string' ? signature : undefined);
    const document = presented.ok ? reports.objectByKey(presented.objectKey) : undefined;
    if (!presented.ok || !document) {
      const requestId = String(reply.getHeader('x-amz-request-id') ?? '');
      const xml = presented.ok ? s3ErrorXml('NoSuchKey', 'The specified key does not exist.', {}, requestId) : s3ErrorXml(presented.code, presented.message, presented.extra, requestId);
      return reply.code(presented.ok ? 404 : 403).type('application/xml').send(xml);
    }
    if (presented.contentEncoding === 'gzip') reply.header('content-encoding', 'gzip');
    return reply.type(document.compressionAlgorithm === 'GZIP' ? 'application/octet-stream' : 'text/plain; charset=UTF-8').send(document.body);
  });
}
