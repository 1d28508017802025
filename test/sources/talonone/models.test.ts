import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import { runBuild } from '../../../app/builds';
import { startSync, waitForSync } from '../../../app/syncs';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { startTalonOneEmulator, type TalonOneEmulator, type TalonOneGroundTruth } from '../../../emulators/talonone';
import { findConnection } from '../../../lib/config';
import { SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import {
  ambiguousRollbackLedgers,
  expectedLedgers,
  expectedProfiles,
  stripeEmails,
  talonOneAccount,
  type ExpectedLedger,
  type ExpectedProfile,
} from './model-oracle';
import { renderCustomAttributes } from '../../../cli/render/segments';
import { OPERATORS } from '../../../lib/segments/catalog';
import { compileSegment } from '../../../lib/segments/compile';
import { CUSTOM_ATTRIBUTES_SQL, customAttributeCatalog } from '../../../lib/segments/custom-attributes';
import { validateDefinition } from '../../../lib/segments/definition';
import { openWarehouseReadOnly } from '../../../lib/warehouse/open-read-only';
import { t1Mutate } from './emulator-http';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';

// The Talon.One models against an oracle computed from the objects the emulator serves. A live and
// a sandbox Application are synced through the real Temporal dev server, beside a live Stripe
// account of the same world, so profiles meet the person's Stripe customer by email. The world
// ends at the start of this hour: the build comes just after it, as a build follows a sync.

const SEED = 7;
const SCALE = 0.1;
const ANCHOR = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
const LIVE_STRIPE_KEY = 'sk_live_cdp_talonone';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let talon: TalonOneEmulator;
let stripe: StripeEmulator;
let truth: TalonOneGroundTruth;
let profiles: ExpectedProfile[];
let builtAtMs: number;

beforeAll(async () => {
  [env, talon, stripe] = await Promise.all([
    startDevServer(),
    startTalonOneEmulator({ port: 0, seed: SEED, scale: SCALE, anchor: ANCHOR, rateLimitPerSecond: 0 }),
    startStripeEmulator({ port: 0, seed: SEED, scale: SCALE, anchor: ANCHOR, apiKeys: [LIVE_STRIPE_KEY], rateLimitPerSecond: 0 }),
  ]);
  const app = (environment: string) => talon.applications.find((a) => a.environment === environment)!;
  Object.assign(process.env, { CDP_T1M_LIVE: app('live').apiKey, CDP_T1M_SANDBOX: app('sandbox').apiKey, CDP_T1M_STRIPE: LIVE_STRIPE_KEY });
  const promo = (environment: string, credential_env: string) => ({
    id: `promo-${environment}`, source: 'talonone', environment, base_url: talon.url, credential_env,
    path_params: { applicationId: app(environment).id }, requests_per_second: 50, currency: 'USD',
  });
  ws = makeWorkspace([
    promo('live', 'CDP_T1M_LIVE'),
    promo('sandbox', 'CDP_T1M_SANDBOX'),
    { id: 'stripe', source: 'stripe', environment: 'live', base_url: stripe.url, credential_env: 'CDP_T1M_STRIPE' },
  ]);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
  await Promise.all(
    ['promo-live', 'promo-sandbox', 'stripe'].map(async (id) => waitForSync(await startSync(env.client, findConnection(ws.config(), id), { mode: 'historical', buildAfter: false }), () => {})),
  );
  await runBuild(env.client);
  truth = talon.truth();
  profiles = expectedProfiles(talonOneAccount(SEED, SCALE, ANCHOR));
  builtAtMs = Number((await sql('select epoch_ms(built_at) as ms from config.settings'))[0]!.ms);
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await Promise.all([talon?.close(), stripe?.close()]);
  ws?.cleanup();
});

const sql = async (query: string) => (await queryWarehouse(ws.config().layout.warehouse, query)).rows;
const hundredths = (points: unknown) => Math.round(Number(points) * 100);
const ledgerKey = (l: { environment: unknown; programId: unknown; integrationId: unknown; subledgerId: unknown }) => `${l.environment}|${l.programId}|${l.integrationId}|${l.subledgerId}`;

/** Each Talon.One profile's row of marts.customer_metrics, by `environment|integration id`. */
async function metricsByProfile(): Promise<Map<string, Record<string, unknown>>> {
  const rows = await sql(`
    select i.environment, i.source_customer_id as integration_id, m.*
    from core.customer_identities as i join marts.customer_metrics as m using (customer_id)
    where i.source = 'talonone'`);
  return new Map(rows.map((r) => [`${r.environment}|${r.integration_id}`, r]));
}

describe('Talon.One profiles as customers', () => {
  it('a profile with an email is the same person as the Stripe customer with that email; one without stays its own customer', async () => {
    const rows = await sql(`
      select i.environment, i.source_customer_id as integration_id, c.customer_id, c.email, c.sources, c.source_ids
      from core.customer_identities as i join core.customers as c using (customer_id)
      where i.source = 'talonone'`);
    expect(rows.length).toBe(profiles.length);
    const byProfile = new Map(rows.map((r) => [`${r.environment}|${r.integration_id}`, r]));
    const inStripe = stripeEmails(SEED, SCALE, ANCHOR);
    const withoutEmail = profiles.filter((p) => p.email === null);
    expect(withoutEmail.length).toBeGreaterThan(0);
    let matched = 0;
    for (const p of profiles) {
      const row = byProfile.get(`${p.environment}|${p.integrationId}`)!;
      expect(row.email ?? null, p.integrationId).toBe(p.email);
      const joinsStripe = p.environment === 'live' && p.email !== null && inStripe.has(p.email);
      expect(row.sources, `${p.environment} ${p.integrationId}`).toEqual(joinsStripe ? ['stripe', 'talonone'] : ['talonone']);
      if (joinsStripe) matched += 1;
      if (p.email === null) expect(row.source_ids).toEqual([`talonone:promo-${p.environment}:${p.integrationId}`]);
    }
    expect(matched).toBeGreaterThan(10);
    // Without an email, one profile is one customer: no two of them share a customer.
    const noEmailCustomers = new Set(withoutEmail.map((p) => byProfile.get(`${p.environment}|${p.integrationId}`)!.customer_id));
    expect(noEmailCustomers.size).toBe(withoutEmail.length);
  });

  it('a profile with the same integration id in the live and the sandbox Application is two customers', async () => {
    const live = new Set(truth.applications.find((a) => a.environment === 'live')!.profiles.map((p) => p.integration_id));
    const shared = truth.applications.find((a) => a.environment === 'sandbox')!.profiles.map((p) => p.integration_id).filter((id) => live.has(id));
    expect(shared.length).toBeGreaterThan(0);
    const rows = await sql(`
      select source_customer_id as integration_id, list(distinct environment order by environment) as environments, count(distinct customer_id)::int as customers
      from core.customer_identities where source = 'talonone' group by 1`);
    const byId = new Map(rows.map((r) => [String(r.integration_id), r]));
    for (const id of shared) expect(byId.get(id), id).toEqual({ integration_id: id, environments: ['live', 'sandbox'], customers: 2 });
  });

  it('no row of any core or mart table names a customer or a connection of the other environment', async () => {
    const tables = await sql(`
      select table_schema || '.' || table_name as t, list(column_name) as columns from information_schema.columns
      where table_schema in ('core', 'marts') group by 1 having list_contains(list(column_name), 'environment')`);
    const checked: string[] = [];
    for (const { t, columns } of tables) {
      const cols = columns as string[];
      for (const [column, owner] of [['customer_id', 'core.customers'], ['advocate_customer_id', 'core.customers'], ['friend_customer_id', 'core.customers']] as const) {
        if (!cols.includes(column) || t === owner) continue;
        const [row] = await sql(`select count(*)::int as n from ${t} as x join ${owner} as o on o.customer_id = x.${column} where o.environment <> x.environment`);
        expect(row!.n, `${t}.${column}`).toBe(0);
        checked.push(`${t}.${column}`);
      }
      if (cols.includes('connection')) {
        const [row] = await sql(`select count(*)::int as n from ${t} as x join config.connections as c using (connection) where c.environment <> x.environment`);
        expect(row!.n, `${t}.connection`).toBe(0);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['core.promotion_sessions.customer_id', 'core.loyalty_balances.customer_id', 'core.loyalty_transactions.customer_id', 'core.orders.customer_id']));
    // The sandbox copies keep their own sessions, points and spend.
    const [leak] = await sql(`
      select count(*)::int as n from marts.customer_metrics as m
      join core.customers as c using (customer_id)
      where c.environment = 'sandbox' and m.promotion_orders > (select count(*) from core.promotion_sessions s where s.customer_id = m.customer_id and s.environment = 'sandbox')`);
    expect(leak!.n).toBe(0);
  });
});

describe("what each profile bought, as Talon.One's Campaign Manager shows it", () => {
  it('discounted and undiscounted orders, accrued discounts, gross and net revenue per customer', async () => {
    const metrics = await metricsByProfile();
    for (const p of profiles) {
      const m = metrics.get(`${p.environment}|${p.integrationId}`)!;
      expect(
        {
          orders: m.promotion_orders,
          discounted: m.promotion_discounted_orders,
          undiscounted: m.promotion_undiscounted_orders,
          grossMinor: Number(m.promotion_gross_revenue_minor),
          accruedDiscountsMinor: Number(m.promotion_accrued_discounts_minor),
          netMinor: Number(m.promotion_net_revenue_minor),
        },
        `${p.environment} ${p.integrationId}`,
      ).toEqual({ orders: p.orders, discounted: p.discounted, undiscounted: p.undiscounted, grossMinor: p.grossMinor, accruedDiscountsMinor: p.accruedDiscountsMinor, netMinor: p.netMinor });
    }
    expect(profiles.filter((p) => p.discounted > 0 && p.undiscounted > 0).length).toBeGreaterThan(3);
  });

  it("sessions are orders with Talon.One's state kept; they count as revenue only where no payment source records the sale", async () => {
    const rows = await sql("select environment, source_status, status, counts_as_revenue, count(*)::int as n from core.orders where source = 'talonone' group by all");
    const status = { open: 'pending', closed: 'paid', partially_returned: 'partially_refunded', cancelled: 'cancelled' } as const;
    for (const app of truth.applications) {
      for (const [state, n] of Object.entries(app.sessions.count_by_state)) {
        const got = rows.filter((r) => r.environment === app.environment && r.source_status === state);
        if (n === 0) continue;
        // The live Application beside a live Stripe account mirrors its sales; the sandbox one stands alone.
        expect(got, `${app.environment} ${state}`).toEqual([{ environment: app.environment, source_status: state, status: status[state as keyof typeof status], counts_as_revenue: app.environment === 'sandbox', n }]);
      }
    }
    const [conversions] = await sql("select count(*) filter (where o.environment = 'live')::int as live, count(*) filter (where o.environment = 'sandbox')::int as sandbox from attribution.conversions c join core.orders o using (order_id) where o.source = 'talonone'");
    const sandboxSales = profiles.filter((p) => p.environment === 'sandbox').reduce((n, p) => n + p.orders, 0);
    expect(conversions).toEqual({ live: 0, sandbox: sandboxSales });
  });
});

describe('loyalty points', () => {
  it('the balances landed are the ones the balances endpoint answered', async () => {
    const rows = await sql('select environment, loyalty_program_id, integration_id, subledger_id, active_points, pending_points, spent_points, expired_points, negative_points from staging.stg_talonone__loyalty_balances');
    expect(rows.length).toBeGreaterThan(100);
    for (const r of rows) {
      const program = truth.programs.find((p) => p.id === Number(r.loyalty_program_id))!;
      const view = program.balances[String(r.integration_id)]!;
      const want = r.subledger_id === '' ? view.balance : view.subledgerBalances[String(r.subledger_id)]!;
      const got = { activePoints: Number(r.active_points), pendingPoints: Number(r.pending_points), spentPoints: Number(r.spent_points), expiredPoints: Number(r.expired_points), negativePoints: Number(r.negative_points) };
      expect(got, `${r.integration_id} ${r.subledger_id}`).toEqual(want);
    }
  });

  it("every ledger stands at the build as the emulator's ledger rules replay its served entries", async () => {
    const rows = await sql('select * from core.loyalty_balances');
    const actual = new Map(
      rows.map((r) => [
        ledgerKey({ environment: r.environment, programId: r.loyalty_program_id, integrationId: r.integration_id, subledgerId: r.subledger_id }),
        { active: hundredths(r.active_points), pending: hundredths(r.pending_points), spent: hundredths(r.spent_points), expired: hundredths(r.expired_points), negative: hundredths(r.negative_points), expiring30d: hundredths(r.points_expiring_30d) },
      ]),
    );
    const account = talonOneAccount(SEED, SCALE, ANCHOR);
    const expected = expectedLedgers(account, builtAtMs, 'served');
    expect(actual.size).toBe(expected.length);
    const figures = ({ environment: _e, programId: _p, integrationId: _i, subledgerId: _s, ...rest }: ExpectedLedger) => rest;
    for (const want of expected) expect(actual.get(ledgerKey(want)), ledgerKey(want)).toEqual(figures(want));
    // Every kind of standing shows up somewhere.
    for (const field of ['active', 'pending', 'spent', 'expired', 'negative', 'expiring30d'] as const) expect(expected.some((l) => l[field] > 0), field).toBe(true);
    expect(expected.some((l) => l.subledgerId !== '' && l.active + l.expired > 0)).toBe(true);

    // Against the emulator's own record of which points each return took back, the ledgers differ
    // only where a session added points more than once before its return.
    const ambiguous = ambiguousRollbackLedgers(account);
    const differing = expectedLedgers(account, builtAtMs, 'recorded')
      .filter((want) => JSON.stringify(actual.get(ledgerKey(want))) !== JSON.stringify(figures(want)))
      .map((l) => `${l.programId}|${l.integrationId}|${l.subledgerId}`);
    expect(differing.filter((k) => !ambiguous.has(k))).toEqual([]);
  });

  it('active, pending and soon-expiring points per customer add up their ledgers', async () => {
    const metrics = await metricsByProfile();
    const perProfile = new Map<string, { active: number; pending: number; expiring30d: number }>();
    for (const l of expectedLedgers(talonOneAccount(SEED, SCALE, ANCHOR), builtAtMs, 'served')) {
      const key = `${l.environment}|${l.integrationId}`;
      const sum = perProfile.get(key) ?? { active: 0, pending: 0, expiring30d: 0 };
      perProfile.set(key, { active: sum.active + l.active, pending: sum.pending + l.pending, expiring30d: sum.expiring30d + l.expiring30d });
    }
    for (const p of profiles) {
      const key = `${p.environment}|${p.integrationId}`;
      const m = metrics.get(key)!;
      const got = { active: hundredths(m.loyalty_points_active), pending: hundredths(m.loyalty_points_pending), expiring30d: hundredths(m.loyalty_points_expiring_30d) };
      expect(got, key).toEqual(perProfile.get(key) ?? { active: 0, pending: 0, expiring30d: 0 });
    }
    expect([...perProfile.values()].filter((s) => s.expiring30d > 0).length).toBeGreaterThan(0);
  });
});

describe("Talon.One profiles' other tabs", () => {
  const applications = () => truth.applications.map((a) => ({ ...a, connection: `promo-${a.environment}` }));

  it('core.achievements holds each profile’s progress as the emulator counts it, for a known customer', async () => {
    const rows = await sql('select environment, integration_id, achievement_id, progress, target, status, completed_at, customer_id from core.achievements');
    const got = rows.map((r) => ({
      key: `${r.environment}|${r.integration_id}|${r.achievement_id}`, progress: Number(r.progress), target: Number(r.target), status: r.status,
      completed: r.completed_at === null ? null : new Date(r.completed_at as string).toISOString(), known: r.customer_id !== null,
    }));
    const want = applications().flatMap((a) =>
      a.achievement_progress.map((p) => ({
        key: `${a.environment}|${p.integration_id}|${p.achievement_id}`, progress: p.progress, target: p.target, status: p.status,
        completed: p.completion_date === null ? null : new Date(p.completion_date).toISOString(), known: true,
      })),
    );
    const byKey = (x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key);
    expect(got.sort(byKey)).toEqual(want.sort(byKey));
    for (const status of ['completed', 'inprogress', 'expired']) expect(want.some((w) => w.status === status), status).toBe(true);
  });

  it('core.profile_budgets counts each per-profile budget as the emulator does, in the current period', async () => {
    const rows = await sql('select environment, integration_id, campaign_id, action, coupon_code, limit_period, limit_value, used, remaining, customer_id from core.profile_budgets');
    const got = rows.map((r) => ({
      key: `${r.environment}|${r.integration_id}|${r.campaign_id}|${r.action}|${r.coupon_code}|${r.limit_period}`, limit: Number(r.limit_value), used: Number(r.used),
      remaining: Number(r.remaining), known: r.customer_id !== null,
    }));
    const want = applications().flatMap((a) =>
      a.profile_budgets.map((b) => ({
        key: `${a.environment}|${b.integration_id}|${b.campaign_id}|${b.action}|${b.coupon_value ?? ''}|${b.period}`, limit: b.limit, used: b.used,
        remaining: Math.max(b.limit - b.used, 0), known: true,
      })),
    );
    const byKey = (x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key);
    expect(got.sort(byKey)).toEqual(want.sort(byKey));
    expect(want.some((w) => w.used >= w.limit)).toBe(true);
    expect(want.some((w) => w.key.endsWith('|monthly'))).toBe(true);
  });

  it('core.loyalty_cards holds every card of the card-based program with its status, holder and ledger', async () => {
    const rows = await sql('select card_code, status, integration_id, registered_at, current_points, spent_points, expired_points, customer_id from core.loyalty_cards');
    const got = rows.map((r) => ({
      identifier: r.card_code, status: r.status, integration_id: r.integration_id ?? null, registered_at: r.registered_at === null ? null : new Date(r.registered_at as string).toISOString(),
      current: Number(r.current_points), spent: Number(r.spent_points), expired: Number(r.expired_points), known: r.customer_id !== null,
    }));
    const want = truth.card_programs.flatMap((p) =>
      p.cards.map((c) => ({
        identifier: c.identifier, status: c.status, integration_id: c.integration_id, registered_at: c.registered_at === null ? null : new Date(c.registered_at).toISOString(),
        current: c.current_balance, spent: c.spent_balance, expired: c.expired_balance, known: c.integration_id !== null,
      })),
    );
    const byCode = (x: { identifier: unknown }, y: { identifier: unknown }) => String(x.identifier).localeCompare(String(y.identifier));
    expect(got.sort(byCode)).toEqual(want.sort(byCode));
    for (const status of ['active', 'inactive', 'blocked']) expect(want.some((w) => w.status === status), status).toBe(true);
  });

  it('customer_metrics carries the loyalty tier of each profile with a ledger and the profile’s last activity', async () => {
    const metrics = await metricsByProfile();
    let tiered = 0;
    for (const a of applications()) {
      const program = truth.programs.find((p) => p.id === a.loyalty_program_id)!;
      for (const p of a.profiles) {
        const m = metrics.get(`${a.environment}|${p.integration_id}`)!;
        expect(new Date(m.last_activity_at as string).toISOString(), p.integration_id).toBe(new Date(p.last_activity).toISOString());
        const ledgers = Object.values(program.points_by_profile[p.integration_id] ?? {});
        const hasLedger = ledgers.some((l) => l.added > 0 || l.subtracted > 0);
        expect(m.loyalty_tier ?? null, p.integration_id).toBe(hasLedger ? (program.tiers[p.integration_id] ?? null) : null);
        if (m.loyalty_tier) tiered += 1;
      }
    }
    expect(tiered).toBeGreaterThan(5);
  });

  it('core.customer_attributes holds each custom attribute a profile has, typed as its Application defines it', async () => {
    const rows = await sql('select environment, integration_id, attribute_name, attribute_type, text_value, number_value, time_value, boolean_value from core.customer_attributes');
    const valueOf = (r: Record<string, unknown>) =>
      r.attribute_type === 'number' ? Number(r.number_value) : r.attribute_type === 'boolean' ? r.boolean_value : r.attribute_type === 'time' ? new Date(r.time_value as string).toISOString() : r.text_value;
    const got = Object.fromEntries(rows.map((r) => [`${r.environment}|${r.integration_id}|${r.attribute_name}`, valueOf(r)]));
    const want = Object.fromEntries(
      applications().flatMap((a) =>
        a.profiles.flatMap((p) => Object.entries(p.custom_attributes).map(([name, v]) => [`${a.environment}|${p.integration_id}|${name}`, a.custom_attributes[name] === 'time' ? new Date(String(v)).toISOString() : v])),
      ),
    );
    expect(got).toEqual(want);
    const types = await sql('select distinct environment, attribute_name, attribute_type from staging.stg_talonone__attributes order by 1, 2');
    expect(types.map((t) => `${t.environment}|${t.attribute_name}|${t.attribute_type}`)).toEqual(
      applications().flatMap((a) => Object.entries(a.custom_attributes).map(([n, t]) => `${a.environment}|${n}|${t}`)).sort(),
    );
  });
});

describe('custom attributes and the tier as segment fields', () => {
  /** The customers whose live profile's truth passes `keep`. */
  async function expectedPeople(keep: (attributes: Record<string, unknown>, integrationId: string) => boolean): Promise<string[]> {
    const ids = await sql("select source_customer_id as integration_id, customer_id from core.customer_identities where source = 'talonone' and connection = 'promo-live'");
    const customerOf = new Map(ids.map((r) => [String(r.integration_id), String(r.customer_id)]));
    const live = truth.applications.find((a) => a.environment === 'live')!;
    return [...new Set(live.profiles.filter((p) => keep(p.custom_attributes, p.integration_id)).map((p) => customerOf.get(p.integration_id)!))].sort();
  }

  async function members(rules: unknown): Promise<string[]> {
    const { sql: query, params } = compileSegment(validateDefinition({ name: 'probe', environment: 'live', rules }, 'probe.yaml'), { now: new Date(builtAtMs), timezone: 'UTC' });
    const { db, close } = await openWarehouseReadOnly(ws.config().layout.warehouse);
    try {
      return (await db.runAndReadAll(query, params)).getRowObjectsJS().map((r) => String(r.customer_id)).sort();
    } finally {
      await close();
    }
  }

  const attribute = (name: string, condition: object) => ({ has: 'profile_attribute', where: { all: [{ field: 'name', op: 'equals', value: name }, condition] } });

  it('each type of attribute selects exactly the people whose profile holds a matching value', async () => {
    const cases: [unknown, (a: Record<string, unknown>) => boolean][] = [
      [attribute('Gender', { field: 'text', op: 'equals', value: 'female' }), (a) => a.Gender === 'female'],
      [attribute('Language', { field: 'text', op: 'in', value: ['de', 'fr'] }), (a) => a.Language === 'de' || a.Language === 'fr'],
      [attribute('HouseholdSize', { field: 'number', op: 'greater_or_equal', value: 3 }), (a) => typeof a.HouseholdSize === 'number' && a.HouseholdSize >= 3],
      [attribute('NewsletterOptIn', { field: 'flag', op: 'is_true' }), (a) => a.NewsletterOptIn === true],
      [attribute('BirthDate', { field: 'time', op: 'before', value: '1980-01-01' }), (a) => typeof a.BirthDate === 'string' && Date.parse(a.BirthDate) < Date.parse('1980-01-01T00:00:00Z')],
    ];
    for (const [rules, keep] of cases) {
      const want = await expectedPeople(keep);
      expect(want.length, JSON.stringify(rules)).toBeGreaterThan(0);
      expect(await members(rules), JSON.stringify(rules)).toEqual(want);
    }
  });

  it('a value field refuses the operators its type does not allow', () => {
    expect(() => validateDefinition({ name: 'probe', environment: 'live', rules: attribute('HouseholdSize', { field: 'number', op: 'contains', value: '3' }) }, 'probe.yaml')).toThrow(/contains/);
    expect(() => validateDefinition({ name: 'probe', environment: 'live', rules: attribute('NewsletterOptIn', { field: 'flag', op: 'equals', value: 'yes' }) }, 'probe.yaml')).toThrow(/equals/);
  });

  it('the catalog lists each Application’s attributes with their type, value field and operators', async () => {
    const catalog = customAttributeCatalog(await sql(CUSTOM_ATTRIBUTES_SQL));
    expect(catalog.map((a) => a.connection)).toEqual(['promo-live', 'promo-sandbox']);
    for (const app of catalog) {
      const want = truth.applications.find((a) => `promo-${a.environment}` === app.connection)!;
      expect(app.applicationName).toBe(want.name);
      expect(Object.fromEntries(app.attributes.map((a) => [a.name, a.attributeType]))).toEqual(want.custom_attributes);
    }
    const household = catalog[0]!.attributes.find((a) => a.name === 'HouseholdSize')!;
    expect({ field: household.valueField, type: household.valueType, operators: household.operators }).toEqual({ field: 'number', type: 'number', operators: OPERATORS.number });
    expect(catalog[0]!.attributes.find((a) => a.name === 'BirthDate')!.valueField).toBe('time');
    // As `cdp segment fields` prints it.
    const printed = renderCustomAttributes(catalog);
    expect(printed).toContain(`promo-live (live, ${truth.applications.find((a) => a.environment === 'live')!.name}):`);
    expect(printed).toMatch(/\n {4}HouseholdSize\s+number\s+field number\s+equals, not_equals, greater_than/);
    expect(printed).toMatch(/\n {4}NewsletterOptIn\s+boolean\s+field flag\s+is_true, is_false\n/);
  });

  it('the loyalty tier and the last activity are customer fields', async () => {
    const live = truth.applications.find((a) => a.environment === 'live')!;
    const program = truth.programs.find((p) => p.id === live.loyalty_program_id)!;
    const withLedger = (id: string) => Object.values(program.points_by_profile[id] ?? {}).some((l) => l.added > 0 || l.subtracted > 0);
    const gold = await expectedPeople((_, id) => withLedger(id) && program.tiers[id] === 'Gold');
    expect(gold.length).toBeGreaterThan(0);
    expect(await members({ field: 'loyalty_tier', op: 'equals', value: 'gold' })).toEqual(gold);
    const cutoffMs = builtAtMs - 60 * 86_400_000;
    const recent = await expectedPeople((_, id) => Date.parse(live.profiles.find((p) => p.integration_id === id)!.last_activity) >= cutoffMs);
    expect(await members({ field: 'last_activity_at', op: 'within_last_days', value: 60 })).toEqual(recent);
  });
});

// Last in this file: it changes the emulator's account, which the cases above read as it was.
describe('an incremental sync after a session closes', () => {
  it('re-reads the progress of the profile whose session closed, and core.achievements follows', async () => {
    const live = truth.applications.find((a) => a.environment === 'live')!;
    const spend = 42;
    const open = await (await fetch(`${talon.url}/v1/applications/${live.id}/sessions?state=open`, { headers: { authorization: `ManagementKey-v1 ${process.env.CDP_T1M_LIVE}` } })).json() as { data: { id: number; created: string; profileintegrationid: string; total: number }[] };
    // A session inside the sync's lookback, so the incremental sync reads it again.
    const session = open.data.find((s) => s.profileintegrationid !== '' && Date.parse(s.created) > ANCHOR.getTime() - 2 * 86_400_000 && s.total > 0);
    expect(session, 'an open session of the last two days').toBeDefined();
    const before = live.achievement_progress.find((p) => p.integration_id === session!.profileintegrationid && p.achievement_id === spend);
    expect((await t1Mutate(talon, { action: 'close_session', application_id: live.id, session_id: session!.id })).status).toBe(200);
    const after = talon.truth().applications.find((a) => a.environment === 'live')!.achievement_progress.find((p) => p.integration_id === session!.profileintegrationid && p.achievement_id === spend)!;
    expect(after.progress).toBeGreaterThan(before?.progress ?? 0);

    await waitForSync(await startSync(env.client, findConnection(ws.config(), 'promo-live'), { mode: 'manual', buildAfter: false }), () => {});
    await runBuild(env.client);
    const rows = await sql(`select progress, status from core.achievements where connection = 'promo-live' and integration_id = '${session!.profileintegrationid}' and achievement_id = ${spend}`);
    expect(rows.map((r) => ({ progress: Number(r.progress), status: r.status }))).toEqual([{ progress: after.progress, status: after.status }]);
  });
});
