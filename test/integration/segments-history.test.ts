import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { queryWarehouse } from '../../app/query';
import { runBuild, runMaterializeSegments } from '../../app/builds';
import { startSync, waitForSync } from '../../app/syncs';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../emulators/activecampaign';
import { findConnection } from '../../lib/config';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// Who entered and left a segment, and when: changes made at the CRM after a historical sync move
// people in and out after the next sync's build chain, and backfill entries are told apart.

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let crm: ActiveCampaignEmulator;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, crm] = await Promise.all([startDevServer(), startActiveCampaignEmulator({ port: 0, seed: 11, scale: 0.05 })]);
  process.env.CDP_H_AC = crm.apiKeys[0]!;
  ws = makeWorkspace([{ id: 'crm', source: 'activecampaign', environment: 'live', base_url: crm.url, credential_env: 'CDP_H_AC' }]);
  const dir = ws.config().segmentsDir;
  fs.mkdirSync(dir, { recursive: true });
  const segment = (name: string, rules: unknown) => fs.writeFileSync(path.join(dir, `${name}.yaml`), stringify({ environment: 'live', rules }));
  segment('vip', { has: 'tag', where: { field: 'tag', op: 'equals', value: 'VIP' } });
  segment('a-names', { field: 'first_name', op: 'starts_with', value: 'a' });
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await crm?.close();
  ws?.cleanup();
});

const sql = async (query: string) => (await queryWarehouse(ws.config().layout.warehouse, query)).rows;
const sync = async (mode: 'historical' | 'manual') => waitForSync(await startSync(env.client, findConnection(ws.config(), 'crm'), { mode, buildAfter: false }), () => {});
const mutate = async (body: object) => {
  const response = await fetch(`${crm.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, JSON.stringify(body)).toBe(200);
};
const history = async (segment: string) =>
  sql(`select h.customer_id, i.source_customer_id as contact, epoch_ms(h.entered_at)::double as entered, epoch_ms(h.exited_at)::double as exited, h.from_backfill, h.initial
       from segments.segment_membership_history h
       left join core.customer_identities i on i.customer_id = h.customer_id and i.source = 'activecampaign' and i.source_customer_id not like 'ecom:%'
       where h.segment = '${segment}' order by h.customer_id, h.entered_at`);

describe('segment membership history', () => {
  let firstAt: number;
  let firstVip: Awaited<ReturnType<typeof history>>;

  it('a historical sync fills each segment with initial backfill entries, in the build chain', async () => {
    await sync('historical');
    const build = await runBuild(env.client);
    expect(build.segments?.failed).toEqual([]);
    firstAt = Date.parse(build.segments!.materializedAt);
    firstVip = await history('vip');
    const tagged = await sql(`select count(distinct customer_id)::int as n from core.contact_tags where tag = 'VIP'`);
    expect(firstVip.length).toBe(tagged[0]!.n);
    expect(firstVip.length).toBeGreaterThan(0);
    for (const row of firstVip) expect(row).toMatchObject({ entered: firstAt, exited: null, from_backfill: true, initial: true });
  });

  it('a tag added at the source brings its contact in after the next manual sync, as new activity', async () => {
    const [candidate] = await sql(`
      select i.source_customer_id as contact from core.customer_identities i
      where i.source = 'activecampaign' and i.source_customer_id not like 'ecom:%'
        and i.customer_id not in (select customer_id from segments.segment_members where segment = 'vip')
      order by i.source_customer_id limit 1`);
    const [vipTag] = await sql(`select tag_id from staging.stg_activecampaign__tags where tag_name = 'VIP'`);
    await mutate({ action: 'add_contact_tag', contact: Number(candidate!.contact), tag: Number(vipTag!.tag_id) });
    await sync('manual');
    const build = await runBuild(env.client);
    const at = Date.parse(build.segments!.materializedAt);
    expect(build.segments!.segments.find((s) => s.segment === 'vip')).toMatchObject({ entered: 1, exited: 0, members: firstVip.length + 1 });

    const rows = await history('vip');
    const entered = rows.filter((r) => r.entered === at);
    expect(entered).toEqual([expect.objectContaining({ contact: candidate!.contact, exited: null, from_backfill: false, initial: false })]);
    // Everyone else kept the entry they had.
    expect(rows.filter((r) => r.entered !== at)).toEqual(firstVip);
  });

  it('a name changed at the source moves its contact out, closing the entry at that build', async () => {
    const [member] = await sql(`
      select i.source_customer_id as contact, m.customer_id from segments.segment_members m
      join core.customer_identities i on i.customer_id = m.customer_id and i.source = 'activecampaign' and i.source_customer_id not like 'ecom:%'
      where m.segment = 'a-names' order by contact limit 1`);
    expect(member).toBeDefined();
    await mutate({ action: 'update_contact', id: Number(member!.contact), firstName: 'Zed' });
    await sync('manual');
    const build = await runBuild(env.client);
    const at = Date.parse(build.segments!.materializedAt);
    const rows = await history('a-names');
    expect(rows.filter((r) => r.exited !== null)).toEqual([expect.objectContaining({ customer_id: member!.customer_id, entered: firstAt, exited: at })]);
    const current = await sql(`select count(*)::int as n from segments.segment_members where segment = 'a-names' and customer_id = '${member!.customer_id}'`);
    expect(current[0]!.n).toBe(0);
  });

  it('an entry caused by a historical re-sync is marked as a backfill entry', async () => {
    const [candidate] = await sql(`
      select i.source_customer_id as contact from core.customer_identities i
      where i.source = 'activecampaign' and i.source_customer_id not like 'ecom:%'
        and i.customer_id not in (select customer_id from segments.segment_members where segment = 'vip')
      order by i.source_customer_id desc limit 1`);
    const [vipTag] = await sql(`select tag_id from staging.stg_activecampaign__tags where tag_name = 'VIP'`);
    await mutate({ action: 'add_contact_tag', contact: Number(candidate!.contact), tag: Number(vipTag!.tag_id) });
    await sync('historical');
    const build = await runBuild(env.client);
    const at = Date.parse(build.segments!.materializedAt);
    const entered = (await history('vip')).filter((r) => r.entered === at);
    expect(entered).toEqual([expect.objectContaining({ contact: candidate!.contact, from_backfill: true, initial: false })]);
  });

  it('cdp segment materialize of one segment runs through the build chain and leaves the others alone', async () => {
    const before = await sql(`select segment, epoch_ms(max(materialized_at))::double as at from segments.segment_materializations group by 1 order by 1`);
    const result = await runMaterializeSegments(env.client, ['vip']);
    expect(result.segments.map((s) => s.segment)).toEqual(['vip']);
    expect(result.segments[0]).toMatchObject({ entered: 0, exited: 0 });
    const after = await sql(`select segment, epoch_ms(max(materialized_at))::double as at from segments.segment_materializations group by 1 order by 1`);
    expect(after.filter((r) => r.segment !== 'vip')).toEqual(before.filter((r) => r.segment !== 'vip'));
    expect(after.find((r) => r.segment === 'vip')!.at).not.toEqual(before.find((r) => r.segment === 'vip')!.at);
  });
});
