import { isoAt } from '../world/index.js';
import { hashedChars } from './ids.js';

const HEX = '0123456789abcdef';
const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface Grant {
  objectKey: string;
  expiresAtMs: number;
  ttlSeconds: number;
  contentEncoding: 'identity' | 'gzip';
}

/** What a download URL gets: the object, or the S3 error to answer with. */
export type Presented =
  | { ok: true; objectKey: string; contentEncoding: 'identity' | 'gzip' }
  | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string; extra: Record<string, string> };

/** `20250814T041716Z`, as SigV4 writes X-Amz-Date. */
function amzDate(ms: number): string {
  return isoAt(ms).replace(/[-:]/g, '');
}

/**
 * Short-lived pre-signed URLs for report documents, shaped like S3's SigV4 query-string URLs. Each URL's signature
 * is remembered with the instant it expires, so expiry holds to the millisecond while X-Amz-Expires shows seconds.
 */
export class PresignedUrls {
  private readonly grants = new Map<string, Grant>();
  private readonly accessKeyId: string;

  constructor(
    private readonly seed: number,
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.accessKeyId = `AKIA${hashedChars(seed, 's3-access-key', 0, 16, ACCESS_KEY_ALPHABET)}`;
  }

  /** A URL under `baseUrl` for the object, valid for the configured time from now. */
  issue(baseUrl: string, bucket: string, objectKey: string, contentEncoding: 'identity' | 'gzip'): string {
    const now = this.nowMs();
    const signature = hashedChars(this.seed, 's3-signature', this.grants.size, 64, HEX);
    const ttlSeconds = Math.max(1, Math.ceil(this.ttlMs / 1000));
    this.grants.set(signature, { objectKey, expiresAtMs: now + this.ttlMs, ttlSeconds, contentEncoding });
    const date = amzDate(now);
    const query = new URLSearchParams({
      'response-content-encoding': contentEncoding,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Expires': String(ttlSeconds),
      'X-Amz-Credential': `${this.accessKeyId}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Signature': signature,
    });
    return `${baseUrl}/${bucket}/${objectKey}?${query.toString()}`;
  }

  /** Checks a download: the signature must be one this emulator issued for that object, and not yet expired. */
  present(objectKey: string, signature: string | undefined): Presented {
    const grant = signature === undefined ? undefined : this.grants.get(signature);
    if (!grant || grant.objectKey !== objectKey) {
      return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', extra: {} };
    }
    const now = this.nowMs();
    if (now >= grant.expiresAtMs) {
      return {
        ok: false, code: 'AccessDenied', message: 'Request has expired',
        extra: { 'X-Amz-Expires': String(grant.ttlSeconds), Expires: isoAt(grant.expiresAtMs), ServerTime: isoAt(now) },
      };
    }
    return { ok: true, objectKey, contentEncoding: grant.contentEncoding };
  }
}

/** An S3 error document. */
export function s3ErrorXml(code: string, message: string, extra: Record<string, string>, requestId: string): string {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: requestId }).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`;
}
