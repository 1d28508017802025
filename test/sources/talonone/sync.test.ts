import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../../cli/output';
import { startSync, waitForSync } from '../../../app/syncs';
import { startTalonOneEmulator, type TalonOneEmulator } from '../../../emulators/talonone';
import { findConnection } from '../../../lib/config';
import { SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import { talononeRows } from '../../support/source-emulators';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';

// The Talon.One connector, written from the Management API's documentation, against the emulator
// written apart from it: a historical sync of each Application lands what the emulator holds, and
// live and sandbox Applications stay apart.

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let talon: TalonOneEmulator;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, talon] = await Promise.all([startDevServer(), startTalonOneEmulator({ port: 0, seed: 4, scale: 0.03, rateLimitPerSecond: 0 })]);
  const live = talon.applications.find((a) => a.environment === 'live')!;
  const sandbox = talon.applications.find((a) => a.environment === 'sandbox')!;
  Object.assign(process.env, { CDP_T1_LIVE: live.apiKey, CDP_T1_SANDBOX: sandbox.apiKey });
  const connection = (id: string, environment: string, applicationId: number, credential_env: string) => ({
    id, source: 'talonone', environment, base_url: talon.url, credential_env, path_params: { applicationId }, requests_per_second: 50,
  });
  ws = makeWorkspace([
    connection('promo-live', 'live', live.id, 'CDP_T1_LIVE'),
    connection('promo-sandbox', 'sandbox', sandbox.id, 'CDP_T1_SANDBOX'),
    // Configured live, but pointed at the sandbox Application.
    connection('promo-wrong', 'live', sandbox.id, 'CDP_T1_SANDBOX'),
  ]);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await talon?.close();
  ws?.cleanup();
});

const historical = async (id: string) => {
  const result = await waitForSync(await startSync(env.client, findConnection(ws.config(), id), { mode: 'historical', buildAfter: false }), () => {});
  return Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]));
};

describe('Talon.One historical syncs', () => {
  for (const environment of ['live', 'sandbox'] as const) {
    it(`the ${environment} Application lands every record the emulator holds`, async () => {
      const app = talon.truth().applications.find((a) => a.environment === environment)!;
      expect(app.profiles.length).toBeGreaterThan(environment === 'live' ? 5 : 0);
      expect(await historical(`promo-${environment}`)).toEqual(talononeRows(talon, environment));
    });
  }

  it('a live connection pointed at a sandbox Application fails before landing, saying so', async () => {
    const handle = await startSync(env.client, findConnection(ws.config(), 'promo-wrong'), { mode: 'historical', buildAfter: false });
    const failure = await waitForSync(handle, () => {}).then(() => undefined, (err: unknown) => err);
    // What `cdp sync` prints: the innermost cause.
    expect(formatError(failure)).toMatch(/connection "promo-wrong" is live but Talon.One application \d+ is a sandbox application/);
  });
});
