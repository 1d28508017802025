// The web app's answer times on a warehouse of about a million customers, driven over HTTP.
//
//   npx tsx bench/segments.bench.ts --keep            (builds the warehouse; prints the folder it kept)
//   npx tsx bench/serve-api.bench.ts --reuse <dir> [--runs 7]
//
// It reuses the folder of the segment benchmark (its config, lake and warehouse), writes a segment
// of every customer and materializes it alone, starts the server in this process (`startServer`,
// as `cdp serve` does) with an admin added to its app store, signs in, and times, over HTTP, the
// first page of that segment's members (GET /api/segments/<name>/members) and a preview of a
// three-level rule (POST /api/segments/preview), `--runs` times each. It reports the first run and
// the median of all, and exits 1 when an answer is not 200 or its total differs from what the
// synthetic data fixes (every customer; every customer with an email or in City 7).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { temporalTarget } from '../app/temporal';
import { loadConfig } from '../lib/config';
import type { Rule } from '../lib/segments/definition';
import { writeSegment } from '../lib/segments/files';
import { materializeSegments } from '../lib/segments/materialize';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';
import { hashPassword } from '../server/auth/passwords';
import { startServer } from '../server/start-server';
import { withAppStore } from '../server/store/open-app-store';
import { inBenchDir } from './bench-dir';

const SEGMENT = 'api-bench-everyone';
const EMAIL = 'bench-admin@example.com';
const PASSWORD = 'bench password, not for use';

// Three levels: all of (any of (not (no email), City 7), a name starting with "person ").
const THREE_LEVEL_RULE: Rule = {
  all: [
    { any: [{ not: { field: 'email', op: 'is_empty' } }, { field: 'city', op: 'equals', value: 'city 7' }] },
    { field: 'name', op: 'starts_with', value: 'person ' },
  ],
};

/** How many of the generated customers `cus_<i>`, i < n, have i % modulus = remainder. */
const residues = (n: number, modulus: number, remainder: number) => (n > remainder ? Math.floor((n - 1 - remainder) / modulus) + 1 : 0);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A signed-in client keeping the session cookie and CSRF token as the page does. */
async function signIn(
  baseUrl: string,
): Promise<(method: string, url: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown>; ms: number; cpuMs: number; headers: Headers }>> {
  let cookie = '';
  let csrf = '';
  const call = async (method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (cookie) headers.cookie = cookie;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    // The server runs in this process: its CPU time (DuckDB's threads included) is this process's.
    const cpu0 = process.cpuUsage();
    const response = await fetch(`${baseUrl}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed, ms, cpuMs: (cpu.user + cpu.system) / 1000, headers: response.headers };
  };
  const session = await call('POST', '/api/session', { email: EMAIL, password: PASSWORD });
  if (session.status !== 200) throw new Error(`sign-in answered ${session.status}: ${JSON.stringify(session.body)}`);
  cookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
  csrf = String(session.body.csrfToken);
  return call;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reuse: { type: 'string' }, runs: { type: 'string', default: '7' } } });
  if (!values.reuse) throw new Error('give --reuse <dir>: a folder kept by `npx tsx bench/segments.bench.ts --keep`');
  const runs = Math.max(1, Number(values.runs));
  await inBenchDir('cdp-serve-api-bench-', { reuse: values.reuse }, async (dir) => {
    const config = loadConfig(path.join(dir, 'cdp.config.yaml'));
    const problems: string[] = [];
    const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
    let customers: number;
    try {
      customers = Number((await db.runAndReadAll('SELECT count(*) AS n FROM core.customers')).getRowObjectsJS()[0]!.n);
    } finally {
      close();
    }
    const withEmailOrCity7 = customers - residues(customers, 50, 0);

    writeSegment(config, { name: SEGMENT, environment: 'live', description: 'Every customer', rules: { field: 'orders_count', op: 'greater_or_equal', value: 0 } });
    const t0 = performance.now();
    const materialized = await materializeSegments(config, { names: [SEGMENT] });
    const members = materialized.segments[0]?.members ?? 0;
    console.log(`materialized ${SEGMENT}: ${members.toLocaleString('en')} members in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (members !== customers) problems.push(`${SEGMENT} has ${members} members, expected every customer (${customers})`);

    const passwordHash = await hashPassword(PASSWORD);
    await withAppStore(config, async (store) => {
      if (!(await store.userByEmail(EMAIL))) await store.addUser({ email: EMAIL, passwordHash, isAdmin: true, nowMs: Date.now() });
    });
    const server = await startServer(config, {
      host: '127.0.0.1',
      port: 0,
      temporal: temporalTarget({ address: '127.0.0.1:1' }, config),
      eventLog: () => undefined,
      log: () => undefined,
    });
    const timings: Record<string, number[]> = { members: [], preview: [] };
    const cpuTimes: Record<string, number[]> = { members: [], preview: [] };
    try {
      const call = await signIn(server.url);
      for (let i = 0; i < runs; i++) {
        const page = await call('GET', `/api/segments/${SEGMENT}/members?page=1&size=50`);
        timings.members!.push(page.ms);
        cpuTimes.members!.push(page.cpuMs);
        if (page.status !== 200) problems.push(`members page answered ${page.status}: ${JSON.stringify(page.body)}`);
        else if (page.body.total !== customers || (page.body.rows as unknown[]).length !== 50) {
          problems.push(`members page: total ${String(page.body.total)} and ${(page.body.rows as unknown[]).length} rows, expected ${customers} and 50`);
        }
        const preview = await call('POST', '/api/segments/preview', { environment: 'live', rules: THREE_LEVEL_RULE });
        timings.preview!.push(preview.ms);
        cpuTimes.preview!.push(preview.cpuMs);
        if (preview.status !== 200) problems.push(`preview answered ${preview.status}: ${JSON.stringify(preview.body)}`);
        else if (preview.body.count !== withEmailOrCity7) problems.push(`preview counted ${String(preview.body.count)}, expected ${withEmailOrCity7}`);
      }
    } finally {
      await server.close();
    }
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}`);
    console.log(`| customers | members | request | first | median of ${runs} | median CPU | target |`);
    console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: |');
    const row = (what: string, ms: number[], cpuMs: number[], target: string) =>
      console.log(
        `| ${customers.toLocaleString('en')} | ${members.toLocaleString('en')} | ${what} | ${Math.round(ms[0]!)} ms | ${Math.round(median(ms))} ms | ${Math.round(median(cpuMs))} ms | ${target} |`,
      );
    row(`GET /api/segments/${SEGMENT}/members (first page of 50)`, timings.members!, cpuTimes.members!, '200 ms');
    row('POST /api/segments/preview (three-level rule)', timings.preview!, cpuTimes.preview!, '1 s');
    fs.rmSync(path.join(config.segmentsDir, `${SEGMENT}.yaml`), { force: true });
    return [...new Set(problems)];
  });
}

await main();
