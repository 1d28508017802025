/**
 * Freshness: from a record changing at the source to a segment's membership changing, end to end.
 *
 *   npx tsx bench/freshness.bench.ts [--changes 3] [--schedule-interval 1m] [--keep]
 *
 * It starts what the demo starts: every source's emulator from the demo's world (seed 42, scale
 * 0.3, on free ports), the demo's cdp.config.yaml pointed at them, a Temporal dev server, and two
 * `cdp worker` processes (`--queues sync` and `--queues build`). It runs the demo's historical syncs
 * and a first build with its segments, then gives every connection a schedule of incremental syncs
 * every `--schedule-interval`, as `cdp schedule set <connection> --every 1m` does.
 *
 * Then, `--changes` times, a marketer tags a contact "VIP" in ActiveCampaign (the emulator's
 * `add_contact_tag` mutation), which puts the person in the `subscribers-or-vip` segment ("an
 * active subscription, or a tag containing vip"). Each change is made at another point of the
 * schedule's interval; the bench polls the segment's members (the app layer's member list) until the
 * person is one, then reads the Temporal histories and the lake's change feed to split the latency
 * into: the wait for the next scheduled sync (none when the running one still read the tag), the sync
 * until the commit that landed the tag, the wait for the build chain, the build, and the segments'
 * materialization. It reports the workers' CPU-seconds over each change, the load average, and what
 * the schedule kept running meanwhile (each connection's syncs, the builds).
 *
 * The check, from the change the bench made and not from cdp's code: the tag's name contains "vip"
 * (text comparisons ignore case), so the contact's person is a member afterwards, found by the
 * contact's email as the source serves it; and nobody else's membership moves, since nothing else
 * changed at the sources. A difference, a scheduled run that did not complete, or no flip within ten
 * intervals and five minutes fails the run (exit 1).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { msToNumber } from '@temporalio/common/lib/time';
import { runBuild } from '../app/builds';
import { queryWarehouse } from '../app/query';
import { deleteSchedule, setSchedule } from '../app/schedules';
import { materializedMembers } from '../app/segment-members';
import { runSync, syncTuning } from '../app/syncs';
import { DEMO_SCALE, useEmulatorKeys } from '../cli/demo';
import { emulatorFlagsSchema, startEmulators } from '../emulators/registry';
import { findConnection, loadConfig } from '../lib/config';
import { SYNC_TASK_QUEUE, scheduleId } from '../lib/temporal-names';
import { inBenchDir } from './bench-dir';
import { writeDemoConfig } from './demo-config';
import { changeTimeline, median, steadyState, type ChangeTimeline, type SteadyState } from './freshness-timeline';
import { processCpuSeconds } from './process-memory';
import { spawnWorker, stopWorker } from './stripe-sync-harness';
import { startDevServer } from '../test/support/temporal';

const { values: args } = parseArgs({
  options: {
    changes: { type: 'string', default: '3' },
    'schedule-interval': { type: 'string', default: '1m' },
    keep: { type: 'boolean', default: false },
  },
});
const changes = Number(args.changes);
const interval = args['schedule-interval'];
const intervalMs = msToNumber(interval as Parameters<typeof msToNumber>[0]);
if (!Number.isInteger(changes) || changes < 1 || !(intervalMs >= 1000)) {
  console.error('usage: --changes N (a positive integer) --schedule-interval 1m (a duration of at least 1s)');
  process.exit(2);
}

/** The change: a CRM tag a marketer recognises, and the segment it puts a person in. */
const CRM_CONNECTION = 'crm-demo';
const TAG = 'VIP';
const SEGMENT = 'subscribers-or-vip';
/** The segment's rule for a person who now has tag `tag`: `any` of its rules holds once a tag contains "vip", in any case. */
const memberWithTag = (tag: string): boolean => tag.toLowerCase().includes('vip');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

interface ChangeResult extends ChangeTimeline {
  changedMs: number;
  contactId: string;
  email: string;
  cpuSyncS: number;
  cpuBuildS: number;
  load1: number;
}

await inBenchDir('cdp-freshness-', { keep: args.keep }, async (dir) => {
  const problems: string[] = [];
  const [temporal, emulators] = await Promise.all([startDevServer(), startEmulators(emulatorFlagsSchema.parse({ basePort: 0, scale: DEMO_SCALE }))]);
  const workers: Awaited<ReturnType<typeof spawnWorker>>[] = [];
  const client = temporal.client;
  const config = loadConfig(writeDemoConfig(dir, emulators.emulators));
  try {
    console.log(`emulators: the demo's world (scale ${DEMO_SCALE}) ends at ${emulators.anchor}; data in ${dir}`);
    useEmulatorKeys(config);
    const configFile = config.file;
    const spawn = (queues: 'sync' | 'build') => spawnWorker({ configFile, queues, address: temporal.address, maxSyncActivities: 8 });
    workers.push(...(await Promise.all([spawn('sync'), spawn('build')])));
    const [syncWorker, buildWorker] = workers as [(typeof workers)[0], (typeof workers)[0]];

    let startedMs = Date.now();
    await Promise.all(config.connections.map((c) => runSync(client, c, { mode: 'historical', buildAfter: false, tuning: syncTuning(config) })));
    console.log(`historical syncs of ${config.connections.length} connections: ${seconds(Date.now() - startedMs)} s`);
    startedMs = Date.now();
    const first = await runBuild(client);
    const members = first.segments?.segments.find((s) => s.segment === SEGMENT)?.members;
    console.log(`first build and segments: ${seconds(Date.now() - startedMs)} s; ${SEGMENT}: ${members} members`);

    for (const c of config.connections) await setSchedule(client, c, SYNC_TASK_QUEUE, { every: interval, catchupWindow: '1d' }, syncTuning(config));
    console.log(`every connection synced every ${interval} (cdp schedule set <connection> --every ${interval})`);

    const crm = findConnection(config, CRM_CONNECTION);
    const crmApi = async (path: string, init?: RequestInit) => {
      const response = await fetch(new URL(path, crm.base_url), { ...init, headers: { 'Api-Token': process.env[crm.credential_env!]!, 'content-type': 'application/json' } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const tags = (await crmApi(`/api/3/tags?search=${encodeURIComponent(TAG)}`)).tags as { id: string; tag: string }[];
    const tag = tags.find((t) => t.tag === TAG);
    if (!tag) throw new Error(`the CRM has no tag "${TAG}"`);

    const memberEmails = async () => {
      const { rows } = await materializedMembers(config, SEGMENT, 'c.customer_id, c.email');
      return new Map(rows.map((r) => [String(r.customer_id), { email: String(r.email ?? ''), enteredMs: (r.member_since as Date).getTime() }]));
    };
    // People with a CRM contact (not an e-commerce customer of the CRM's) who are not members: the candidates, in a fixed order.
    const outside = async () => {
      const now = await memberEmails();
      const { rows } = await queryWarehouse(
        config.layout.warehouse,
        `select customer_id, source_customer_id as contact_id from core.customer_identities
         where source = 'activecampaign' and connection = '${CRM_CONNECTION}' and source_customer_id not like 'ecom:%' order by customer_id, contact_id`,
      );
      return rows.filter((r) => !now.has(String(r.customer_id)));
    };

    const results: ChangeResult[] = [];
    for (let k = 0; k < changes; k++) {
      const candidates = await outside();
      const person = candidates[Math.floor(((k + 0.5) * candidates.length) / changes)]!;
      const contactId = String(person.contact_id);
      const email = String(((await crmApi(`/api/3/contacts/${contactId}`)).contact as { email: string }).email);
      // Each change at another point of the interval: (k + 0.5) / changes of the way past a scheduled start.
      const next = (await client.schedule.getHandle(scheduleId(CRM_CONNECTION)).describe()).info.nextActionTimes[0]!;
      await sleep(next.getTime() + ((k + 0.5) / changes) * intervalMs - Date.now());

      const before = await memberEmails();
      const cpuAtChange = [processCpuSeconds(syncWorker.pid!), processCpuSeconds(buildWorker.pid!)];
      const changedMs = Date.now();
      const added = (await crmApi('/_emulator/mutate', { method: 'POST', body: JSON.stringify({ action: 'add_contact_tag', contact: Number(contactId), tag: Number(tag.id) }) })).contactTag as { id: string };
      let after = before;
      const deadline = changedMs + 10 * intervalMs + 300_000;
      while (Date.now() < deadline) {
        after = await memberEmails();
        if (after.has(String(person.customer_id))) break;
        await sleep(500);
      }
      const seenMs = Date.now();
      const cpu = [processCpuSeconds(syncWorker.pid!) - cpuAtChange[0]!, processCpuSeconds(buildWorker.pid!) - cpuAtChange[1]!];
      const load1 = os.loadavg()[0]!;
      const member = after.get(String(person.customer_id));
      if (!member) {
        problems.push(`change ${k + 1}: contact ${contactId} (${email}) tagged ${TAG} at ${new Date(changedMs).toISOString()} is not in ${SEGMENT} after ${seconds(seenMs - changedMs)} s`);
        break;
      }
      // Truth from the change itself: the tag makes the contact's person a member, and moves nobody else.
      if (!memberWithTag(tag.tag)) problems.push(`change ${k + 1}: the rule says a person tagged ${tag.tag} is no member, but cdp made one`);
      if (member.email.toLowerCase() !== email.trim().toLowerCase()) problems.push(`change ${k + 1}: the member who entered has email ${member.email}, the tagged contact ${email}`);
      const entered = [...after.keys()].filter((id) => !before.has(id));
      const left = [...before.keys()].filter((id) => !after.has(id));
      if (entered.length !== 1 || left.length !== 0) problems.push(`change ${k + 1}: ${entered.length} entered (${entered.join(', ')}) and ${left.length} left; only the tagged person should have moved`);

      const timeline = await changeTimeline(client, config, { changedMs, seenMs, enteredMs: member.enteredMs, connectionId: CRM_CONNECTION, contactTagId: added.id });
      results.push({ ...timeline, changedMs, contactId, email, cpuSyncS: cpu[0]!, cpuBuildS: cpu[1]!, load1 });
      console.log(`change ${k + 1}: tagged contact ${contactId} (${email.trim()}) ${TAG}; in ${SEGMENT} after ${seconds(seenMs - changedMs)} s: ${row(results.at(-1)!)}`);
    }
    const state = results.length ? await steadyState(client, config.connections.map((c) => c.id), results[0]!.changedMs, Date.now()) : undefined;
    for (const f of state?.failed ?? []) problems.push(`a run did not complete: ${f}`);
    report(results, state);
    for (const c of config.connections) await deleteSchedule(client, c.id);
  } finally {
    for (const w of workers) await stopWorker(w);
    await temporal.teardown();
    await Promise.all(emulators.emulators.map((e) => e.close()));
  }
  return problems;
});

/** A change's parts, total, workers' CPU and load as table cells. */
function row(r: ChangeResult): string {
  const cells = [r.toSyncMs, r.syncMs, r.toBuildMs, r.buildMs, r.segmentsMs, r.seenMs, r.totalMs, r.wholeSyncMs].map((ms) => `${seconds(ms)} s`);
  return `${cells.join(' | ')} | ${r.cpuSyncS.toFixed(1)} s / ${r.cpuBuildS.toFixed(1)} s | ${r.load1.toFixed(1)}`;
}

/** Each change's latency and its parts, min / median / max of the whole, and what the schedule kept running meanwhile. */
function report(results: ChangeResult[], state: SteadyState | undefined): void {
  if (results.length === 0 || !state) return;
  console.log(`\nmachine: ${os.cpus().length} cores; schedule every ${interval}`);
  console.log('| change | to the scheduled sync | sync, to the landing | wait for the build chain | build | segments | seen | total | the whole sync | CPU sync / build worker | load (1 min) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  results.forEach((r, i) => console.log(`| ${i + 1} | ${row(r)} |`));
  const totals = results.map((r) => r.totalMs);
  console.log(`\nlatency: min ${seconds(Math.min(...totals))} s, median ${seconds(median(totals))} s, max ${seconds(Math.max(...totals))} s over ${totals.length} changes`);
  console.log(`meanwhile (from the first change on), scheduled syncs per connection: runs, median and longest duration`);
  for (const s of state.syncs) console.log(`  ${s.connectionId.padEnd(20)} ${String(s.runs).padStart(3)}  ${seconds(s.medianMs).padStart(6)} s  ${seconds(s.maxMs).padStart(6)} s`);
  console.log(
    `  builds: ${state.builds.runs}, median ${seconds(state.builds.medianMs)} s, longest ${seconds(state.builds.maxMs)} s; segment materializations: ${state.segments.runs}, median ${seconds(state.segments.medianMs)} s; ` +
      `the build worker busy ${Math.round(state.buildBusy * 100)}% of the time; build chain runs ${state.chain.runs}, the longest history ${state.chain.longestHistory} events`,
  );
}
