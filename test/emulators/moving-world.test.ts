import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETURNS_REPORT_TYPE, startAmazonSellerEmulator, type AmazonSellerEmulator } from '../../emulators/amazon-seller';
import { accountClock, changeClock, worldAnchor } from '../../emulators/http/account-clock';
import { emulatorFlagsSchema, startEmulators, type RunningEmulators } from '../../emulators/registry';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { parseFlags } from '../../cli/flags';
import { createReport, downloadReport, pageOrders, parseTsv, pollReport } from '../sources/amazon-seller/emulator-http';

// Emulators started without an anchor: their world ends when they start, so the last hour, day and
// month before that hold records, events and reports. Every window below is taken from the anchor
// the emulator reports, never from the clock the test reads.
const HOUR_S = 3_600;
const DAY_S = 86_400;
const KEY = 'sk_test_cdp_emulator';
const iso = (ms: number): string => new Date(ms).toISOString();

interface StripeList<T> {
  data: T[];
  has_more: boolean;
}
type Listed = { id: string; created: number; type?: string; data?: { object: { id: string } } };

/** Every object of a Stripe list created in [gte, lte], following `starting_after`. */
async function listStripe(em: StripeEmulator, path: string, gte: number, lte: number): Promise<Listed[]> {
  const out: Listed[] = [];
  let after = '';
  for (;;) {
    const response = await fetch(`${em.url}/v1/${path}?limit=100&created[gte]=${gte}&created[lte]=${lte}${after}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as StripeList<Listed>;
    out.push(...page.data);
    if (!page.has_more) return out;
    after = `&starting_after=${page.data.at(-1)!.id}`;
  }
}

describe('the emulators\' clock', () => {
  it('anchors a world at the instant given, or at the clock read once, each cut to the second', () => {
    let reads = 0;
    const clock = () => {
      reads++;
      return Date.parse('2027-03-04T05:06:07.890Z');
    };
    expect(worldAnchor(undefined, clock)).toEqual(new Date('2027-03-04T05:06:07Z'));
    expect(reads).toBe(1);
    expect(worldAnchor(new Date('2026-11-01T00:00:00.999Z'), clock)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(reads).toBe(1);
    expect(() => worldAnchor(new Date('nonsense'))).toThrow(/valid date/);
  });

  it('runs the account\'s now on the clock, never before the world ends, and dates a change to the second', () => {
    let nowMs = Date.parse('2026-11-01T00:00:00Z');
    const now = accountClock(new Date('2026-12-01T00:00:00Z'), () => nowMs);
    const change = changeClock('2026-12-01T00:00:00Z', () => nowMs);
    expect([now(), change()]).toEqual([Date.parse('2026-12-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z')]);
    nowMs = Date.parse('2026-12-24T10:11:12.345Z');
    expect([now(), change()]).toEqual([nowMs, Date.parse('2026-12-24T10:11:12Z')]);
  });
});

describe('a Stripe emulator started without an anchor', () => {
  let em: StripeEmulator;
  let anchorS: number;
  beforeAll(async () => {
    em = await startStripeEmulator({ seed: 5, scale: 0.3, rateLimitPerSecond: 0 });
    anchorS = Date.parse(em.truth().anchor) / 1000;
  });
  afterAll(async () => {
    await em?.close();
  });

  // That the anchor is the clock read at start is worldAnchor's, checked above with a clock of its own.
  it('ends its world on a whole second', () => {
    expect(Number.isInteger(anchorS)).toBe(true);
  });

  it('serves charges created in the last hour before it started, and none after', async () => {
    const lastHour = await listStripe(em, 'charges', anchorS - HOUR_S, anchorS);
    expect(lastHour.length).toBeGreaterThan(0);
    expect(await listStripe(em, 'charges', anchorS + 1, anchorS + 10 * DAY_S)).toEqual([]);
  });

  it('serves the events of its last 30 days: the last hour and day hold some, each about an object the lists serve', async () => {
    const lastHour = await listStripe(em, 'events', anchorS - HOUR_S, anchorS);
    const lastDay = await listStripe(em, 'events', anchorS - DAY_S, anchorS);
    expect(lastHour.length).toBeGreaterThan(0);
    expect(lastDay.length).toBeGreaterThan(lastHour.length);
    // Every charge of the last day shows up in the events, as the object of a charge.* event.
    const charged = new Set(lastDay.filter((e) => e.type!.startsWith('charge.')).map((e) => e.data!.object.id));
    const charges = await listStripe(em, 'charges', anchorS - DAY_S, anchorS);
    expect(charges.length).toBeGreaterThan(0);
    for (const c of charges) expect(charged.has(c.id), c.id).toBe(true);
    // Nothing older than Stripe's 30 days, and the whole month as many as the ground truth counts.
    expect(await listStripe(em, 'events', 0, anchorS - 30 * DAY_S - 1)).toEqual([]);
    expect((await listStripe(em, 'events', 0, anchorS)).length).toBe(em.truth().streams.events.count);
  });

  it('dates a change made now after every event of its history', async () => {
    const [charge] = await listStripe(em, 'charges', anchorS - DAY_S, anchorS);
    const response = await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'update_customer', id: (charge as unknown as { customer: string }).customer, name: 'Moved On' }) });
    expect(response.status).toBe(200);
    const { events } = (await response.json()) as { events: Listed[] };
    expect(events[0]!.created).toBeGreaterThanOrEqual(anchorS);
  });
});

describe('an Amazon seller emulator started without an anchor', () => {
  let em: AmazonSellerEmulator;
  let anchorMs: number;
  beforeAll(async () => {
    em = await startAmazonSellerEmulator({ seed: 5, scale: 0.3, rateScale: 0, reportProcessingMs: 20 });
    anchorMs = Date.parse(em.truth().anchor);
  });
  afterAll(async () => {
    await em?.close();
  });

  it('serves orders placed in the last hour before it started', async () => {
    const { orders } = await pageOrders(em, { CreatedAfter: iso(anchorMs - HOUR_S * 1000) }, 100);
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.every((o) => Date.parse(o.PurchaseDate) <= anchorMs)).toBe(true);
  });

  it('builds a returns report of the last month with the returns requested in it', async () => {
    const { report } = await pollReport(em, await createReport(em, { reportType: RETURNS_REPORT_TYPE, dataStartTime: iso(anchorMs - 30 * DAY_S * 1000), dataEndTime: iso(anchorMs) }));
    expect(report.processingStatus).toBe('DONE');
    const { header, rows } = parseTsv((await downloadReport(em, report.reportDocumentId!)).text);
    expect(rows.length).toBeGreaterThan(0);
    const orderId = header.indexOf('Order ID');
    const recent = new Set(em.truth().returns.filter((r) => r.requested_at >= iso(anchorMs - 31 * DAY_S * 1000)).map((r) => r.order_id));
    for (const row of rows) expect(recent.has(row[orderId]!), row[orderId]).toBe(true);
  });
});

describe('cdp emulators', () => {
  const flags = (extra: Record<string, string> = {}) => parseFlags('emulators', emulatorFlagsSchema, { basePort: '0', seed: '3', scale: '0.05', ...extra });
  const health = async (run: RunningEmulators) =>
    Promise.all(run.emulators.map(async (e) => (await (await fetch(new URL('/_emulator/health', e.url))).json()) as { anchor: string }));
  const truth = async (run: RunningEmulators) => Promise.all(run.emulators.map(async (e) => await (await fetch(new URL('/_emulator/truth', e.url))).text()));
  const running: RunningEmulators[] = [];
  const start = async (extra?: Record<string, string>) => {
    const run = await startEmulators(flags(extra));
    running.push(run);
    return run;
  };
  afterAll(async () => {
    await Promise.all(running.flatMap((r) => r.emulators.map((e) => e.close())));
  });

  it('serves one world ending at the start time from every source, without --now', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const run = await start();
    const anchorMs = Date.parse(run.anchor);
    expect(anchorMs).toBeGreaterThanOrEqual(before);
    expect(anchorMs % 1000).toBe(0);
    expect((await health(run)).map((h) => Date.parse(h.anchor))).toEqual(run.emulators.map(() => anchorMs));
  });

  it('serves the same world twice with --now, ending at that instant', async () => {
    const now = '2027-02-03T04:05:06Z';
    const first = await start({ now });
    const second = await start({ now });
    expect([first.anchor, second.anchor]).toEqual([now, now]);
    expect((await health(first)).map((h) => Date.parse(h.anchor))).toEqual(first.emulators.map(() => Date.parse(now)));
    expect(await truth(second)).toEqual(await truth(first));
  });
});
