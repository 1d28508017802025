import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a client sent through the proxy and the answer it got, as the bytes went by. */
export interface Exchange {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** Header names in lower case. */
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/** A recording HTTP proxy in front of one server. */
export interface RecordingProxy {
  /** Where clients send their requests; the path of a request is forwarded as it is. */
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

// Hop-by-hop headers, and those that no longer describe the body once fetch has decoded it.
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);

function headerRecord(entries: Iterable<[string, string | string[] | undefined]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/**
 * Starts a proxy on a free local port that forwards every request to `target` (an origin such as
 * `http://127.0.0.1:4242`) and keeps each request and answer, so a test can check what a client and a
 * server said to each other without either knowing the proxy is there.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const requestBody = Buffer.concat(chunks).toString('utf8');
        const requestHeaders = headerRecord(Object.entries(req.headers));
        const forwarded = Object.fromEntries(Object.entries(requestHeaders).filter(([k]) => !DROPPED.has(k)));
        try {
          const answer = await fetch(new URL(req.url ?? '/', target), {
            method: req.method,
            headers: forwarded,
            body: req.method === 'GET' || req.method === 'HEAD' ? undefined : requestBody,
            redirect: 'manual',
          });
          const bytes = Buffer.from(await answer.arrayBuffer());
          const responseBody = bytes.toString('utf8');
          const responseHeaders = headerRecord(answer.headers.entries());
          exchanges.push({ method: req.method ?? 'GET', url: req.url ?? '/', requestHeaders, requestBody, status: answer.status, responseHeaders, responseBody });
          res.writeHead(answer.status, Object.fromEntries(Object.entries(responseHeaders).filter(([k]) => !DROPPED.has(k))));
          res.end(bytes);
        } catch (err) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`recording proxy: ${(err as Error).message}`);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
