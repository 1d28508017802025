import { DefaultLogger, Runtime } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { runBuild } from '../app/builds';
import { queryWarehouse } from '../app/query';
import { attributionReport, reportEnvironment } from '../app/reports';
import { runSync, syncTuning } from '../app/syncs';
import { connectClient, temporalTarget } from '../app/temporal';
import { loadConfig } from '../lib/config';
import { writeFileAtomic } from '../lib/fs-atomic';
import { PROJECT_ROOT, type DataLayout } from '../lib/paths';
import { MODELS } from '../lib/report/attribution-data';
import { startWorker } from '../worker/run-worker';
import { ensureBackground } from './background';
import { worldAnchor } from '../emulators/http/account-clock';
import { EMULATORS, emulatorKey, emulatorLwa } from '../emulators/registry';
import { DEFAULT_SERVE_PORT } from './flags';
import { startLocalTemporal } from './local-temporal';
import { info } from './output';
import { major, renderAttributionReport } from './render/reports';
import { summarizeProgress } from './render/sync-progress';

/** The size of the demo's world (1 = about 3,000 people). */
export const DEMO_SCALE = 0.3;

/**
 * The instant the demo's emulated world ends at: when its emulators first started for this data
 * folder, kept beside the lake so that emulators started again (after `cdp down`) serve the world
 * the lake was synced from. A fresh data folder gets a world that ends now.
 */
async function demoWorldNow(layout: DataLayout): Promise<string> {
  const file = path.join(layout.root, 'emulators-now');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const now = worldAnchor().toISOString().replace('.000Z', 'Z');
  fs.mkdirSync(layout.root, { recursive: true });
  await writeFileAtomic(file, `${now}\n`);
  return now;
}

async function emulatorAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/_emulator/health', url), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

interface StripeTruth {
  streams: {
    customers: { count: number };
    charges: { count: number; amount_sum_by_currency: Record<string, number> };
    invoices: { paid_out_of_band_count: number; paid_out_of_band_sum_by_currency: Record<string, number> };
  };
}

/** Per platform: spend, collected revenue and ROAS under two models; the full report as HTML beside the warehouse. */
async function attributionSummary(config: ReturnType<typeof loadConfig>, htmlFile: string): Promise<string[]> {
  const environment = reportEnvironment(config);
  const models = ['last_touch', 'markov'];
  const data = await attributionReport(config, { environment, models, by: 'platform' });
  await writeFileAtomic(htmlFile, renderAttributionReport(await attributionReport(config, { environment, models: [...MODELS], by: 'campaign' }), 'html'));
  const lines = [`Attribution (${environment}, all time, ${data.currency}; collected revenue / ROAS; markov: the standard totals):`];
  lines.push(`  ${'platform'.padEnd(16)} ${'spend'.padStart(11)}  ${models.map((m) => `${m.padStart(22)}`).join('  ')}`);
  const platforms = [...new Set(data.rows.map((r) => r.group))];
  for (const platform of platforms) {
    const cells = models.map((m) => {
      const r = data.rows.find((x) => x.model === m && x.group === platform);
      return `${major(r?.collectedMinor ?? 0, data.currency)} / ${r?.roas === null || r?.roas === undefined ? '-' : r.roas.toFixed(2)}`.padStart(22);
    });
    const spend = data.rows.find((x) => x.group === platform)?.spendMinor ?? null;
    lines.push(`  ${platform.padEnd(16)} ${major(spend, data.currency).padStart(11)}  ${cells.join('  ')}`);
  }
  const balanced = data.checks.every((c) => c.balanced);
  lines.push(`  ${balanced ? 'every model credits each conversion once' : 'CHECK FAILED: a model does not add up'}; all models: ${htmlFile}`);
  return lines;
}

/** Checks the built models against what the emulator says it holds: the demo proves itself. */
async function compareWithEmulator(emulatorUrl: string, warehouse: string, timezone: string): Promise<string[]> {
  const truth = (await (await fetch(new URL('/_emulator/truth', emulatorUrl))).json()) as StripeTruth;
  const orders = await queryWarehouse(
    warehouse,
    "select lower(currency) as currency, count(*)::int as n, sum(total_minor)::bigint::varchar as total from core.orders where source = 'stripe' group by 1 order by 1",
    timezone,
  );
  const count = orders.rows.reduce((n, r) => n + Number(r.n), 0);
  const mark = (ok: boolean) => (ok ? 'matches' : 'DIFFERS');
  // Every charge is an order (one that paid an invoice is that invoice's); so is an invoice paid outside Stripe.
  const { charges, invoices } = truth.streams;
  const lines = ['Against the Stripe emulator\'s ground truth (charges, and invoices paid outside Stripe):'];
  const expectedCount = charges.count + invoices.paid_out_of_band_count;
  lines.push(`  orders             ${String(count).padStart(8)}  ${charges.count} + ${invoices.paid_out_of_band_count}: ${mark(count === expectedCount)}`);
  for (const r of orders.rows) {
    const charged = charges.amount_sum_by_currency[String(r.currency)] ?? 0;
    const outOfBand = invoices.paid_out_of_band_sum_by_currency[String(r.currency)] ?? 0;
    lines.push(`  total_minor ${String(r.currency).toUpperCase()}  ${String(r.total).padStart(12)}  ${charged} + ${outOfBand}: ${mark(Number(r.total) === charged + outOfBand)}`);
  }
  return lines;
}

/** Connections that point at the local emulators get the emulator's key unless one is set already. */
export function useEmulatorKeys(config: ReturnType<typeof loadConfig>): void {
  for (const c of config.connections) {
    if (!['127.0.0.1', 'localhost'].includes(new URL(c.base_url).hostname)) continue;
    const key = emulatorKey(c.source, c.environment);
    if (key && c.credential_env) process.env[c.credential_env] ??= key;
    const lwa = emulatorLwa(c.source);
    if (lwa && c.lwa) {
      process.env[c.lwa.client_id_env] ??= lwa.clientId;
      process.env[c.lwa.client_secret_env] ??= lwa.clientSecret;
      process.env[c.lwa.refresh_token_env] ??= lwa.refreshToken;
    }
  }
}

/**
 * The main job on the embedded default: the dev server, the source emulators and a worker, a
 * historical sync of every connection, a model build, and a summary. Reuses whatever already runs.
 */
export async function runDemo(configFile: string): Promise<void> {
  const config = loadConfig(configFile);
  // The worker's own progress is the demo's lines; only its warnings and errors are shown.
  Runtime.install({ logger: new DefaultLogger('WARN', (entry) => console.error(`[${entry.level}] ${entry.message}`)) });

  const temporal = await startLocalTemporal(config);
  info(`temporal   ${temporal.reused ? 'reusing' : 'started'} dev server at ${temporal.address} (UI ${temporal.uiUrl})`);

  const emulatorUrls = EMULATORS.map((e) => `http://127.0.0.1:${e.defaultPort}`);
  const emulatorUrl = emulatorUrls[0]!;
  const emulators = await ensureBackground({
    name: 'emulators',
    command: process.execPath,
    // A world of about 900 people keeps the demo to a minute or two; `cdp emulators --scale` serves bigger ones.
    args: [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), 'emulators', '--scale', String(DEMO_SCALE), '--now', await demoWorldNow(config.layout)],
    runDir: config.layout.run,
    isReady: async () => (await Promise.all(emulatorUrls.map(emulatorAnswers))).every(Boolean),
  });
  const { anchor } = (await (await fetch(new URL('/_emulator/health', emulatorUrl))).json()) as { anchor: string };
  info(`emulators  ${emulators.reused ? 'reusing' : 'started'} ${EMULATORS.map((e) => e.source).join(', ')} on ports ${EMULATORS[0]!.defaultPort}-${EMULATORS.at(-1)!.defaultPort}; their world ends at ${anchor}`);

  useEmulatorKeys(config);

  const target = temporalTarget({}, config);
  info('worker     bundling workflows and starting');
  const worker = await startWorker({ ...target, loadConfig: () => loadConfig(configFile) });
  try {
    const client = await connectClient(target);
    const landed: { connection: string; stream: string; rows: number; quarantined: number }[] = [];
    // Every connection syncs at once, each within its own source's rate limit.
    info(`sync       ${config.connections.map((c) => c.id).join(', ')} (historical)`);
    const lastLines = new Map<string, string>();
    const results = await Promise.all(
      config.connections.map((connection) =>
        runSync(client, connection, {
          mode: 'historical',
          attachToRunning: true,
          taskQueue: target.taskQueue,
          tuning: syncTuning(config),
          onProgress: (p) => {
            const line = summarizeProgress(p);
            if (line !== lastLines.get(connection.id)) info(line);
            lastLines.set(connection.id, line);
          },
        }),
      ),
    );
    for (const result of results) {
      for (const s of result.streams) landed.push({ connection: result.connectionId, stream: s.stream, rows: s.rows, quarantined: s.quarantined });
    }
    info('build      models');
    const build = await runBuild(client, target.taskQueue);

    const lines = ['', 'Rows landed (this sync):'];
    for (const l of landed) lines.push(`  ${`${l.connection}/${l.stream}`.padEnd(34)} ${String(l.rows).padStart(8)}${l.quarantined ? `  (+${l.quarantined} quarantined)` : ''}`);
    lines.push('', 'Rows per model:');
    for (const m of build.models) lines.push(`  ${m.model.padEnd(34)} ${String(m.rows).padStart(8)}`);
    if (build.segments) {
      lines.push('', `Segments (${path.relative(process.cwd(), config.segmentsDir) || '.'}/*.yaml; members now):`);
      for (const s of build.segments.segments) lines.push(`  ${`${s.segment} (${s.environment})`.padEnd(34)} ${String(s.members).padStart(8)}`);
      for (const f of build.segments.failed) lines.push(`  not materialized: ${f.segment}: ${f.error}`);
    }
    lines.push('', ...(await attributionSummary(config, path.join(path.dirname(build.warehouse), 'attribution.html'))));
    lines.push('', ...(await compareWithEmulator(emulatorUrl, build.warehouse, config.timezone)));
    lines.push(
      '',
      `Warehouse:   ${build.warehouse}`,
      `Temporal UI: ${temporal.uiUrl}`,
      `Query it:    npx cdp query "select status, count(*), sum(total_minor) from core.orders group by all"`,
      `Segments:    npx cdp segment show lapsed-high-spenders --members`,
      `Attribution: npx cdp report attribution --model last_touch,markov`,
      '',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    await client.connection.close();
  } finally {
    await worker.shutdown();
  }
  // What stays up for the people who are not at a terminal: the web app, and a worker for the syncs it starts.
  const web = await startBackgroundApp(config, configFile);
  process.stdout.write(
    `Web app:     ${web.url}  (${web.reused ? 'already running' : 'started'}; sign in after \`npx cdp user add you@example.com\`)\n` +
      `Stop all:    npx cdp down\n`,
  );
}

/** `cdp worker` and `cdp serve` in the background, with the connections' keys in their environment; reused when running. */
async function startBackgroundApp(config: ReturnType<typeof loadConfig>, configFile: string): Promise<{ url: string; reused: boolean }> {
  const cli = [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', configFile];
  const runDir = config.layout.run;
  await ensureBackground({
    name: 'worker',
    command: process.execPath,
    args: [...cli, 'worker'],
    runDir,
    readyLogLine: 'worker polling',
    startTimeoutMs: 120_000,
  });
  const url = `http://127.0.0.1:${DEFAULT_SERVE_PORT}`;
  const served = await ensureBackground({
    name: 'serve',
    command: process.execPath,
    args: [...cli, 'serve', '--port', String(DEFAULT_SERVE_PORT)],
    runDir,
    isReady: async () => {
      try {
        await fetch(`${url}/api/session`, { signal: AbortSignal.timeout(1000) });
        return true;
      } catch {
        return false;
      }
    },
    startTimeoutMs: 120_000,
  });
  return { url, reused: served.reused };
}
