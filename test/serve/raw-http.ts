import http from 'node:http';
import { expectNoServerPaths, type Answer } from './support';

// Requests the fetch API cannot make: from another loopback address (127.0.0.2 is a different
// client to the server), and with a Host header of the test's choosing.

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The client's own address, e.g. 127.0.0.2; Linux routes all of 127.0.0.0/8 to loopback. */
  localAddress?: string;
}

/** Sends one request to `baseUrl` + `path` and reads the whole answer. */
export function rawCall(baseUrl: string, path: string, req: RawRequest = {}): Promise<Answer> {
  const url = new URL(path, baseUrl);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers };
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method ?? 'GET', headers, localAddress: req.localAddress }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(response.headers)) for (const v of [value ?? []].flat()) out.append(name, v);
        let body: Answer['body'] = {};
        try {
          body = JSON.parse(text) as Answer['body'];
        } catch {
          // Plain-text answers.
        }
        const answer = { status: response.statusCode ?? 0, headers: out, body, text };
        try {
          expectNoServerPaths(answer, `${req.method ?? 'GET'} ${path}`);
          resolve(answer);
        } catch (err) {
          reject(err);
        }
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
