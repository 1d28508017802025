import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { setSchedule } from '../../app/schedules';
import { exportSegmentToFile as exportSegment } from '../../cli/commands/segment';
import { queryWarehouse } from '../../app/query';
import { runBuild } from '../../app/builds';
import { startSync, waitForSync } from '../../app/syncs';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../emulators/activecampaign';
import { findConnection, loadConfig } from '../../lib/config';
import { SEARCH_ATTRIBUTES } from '../../lib/search-attributes';
import { EXPORT_FORMATS } from '../../lib/segments/audience';
import { scheduleId, SYNC_TASK_QUEUE, syncWorkflowId } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { startDevServer } from '../support/temporal';
import { launchBrowser, openAs, screenshot, signIn, type Person } from './browser';
import { addUsers, serveWorkspace, type ServedWorkspace } from './support';

// The app over a warehouse synced from the ActiveCampaign emulator through a real Temporal dev
// server and worker: a nested segment built in the browser counts what `cdp segment preview`
// counts, is saved as the file the CLI reads, is materialized through the build workflow and
// exported; a manual sync started on the connections page runs to completion with live progress.

const ADMIN = 'admin@example.com';
const SEGMENT = 'nested-buyers';

let env: TestWorkflowEnvironment;
let crm: ActiveCampaignEmulator;
let served: ServedWorkspace;
let worker: RunningWorker;
let browser: Browser;
let admin: Person;

beforeAll(async () => {
  [env, crm] = await Promise.all([startDevServer(), startActiveCampaignEmulator({ port: 0, seed: 11, scale: 0.05 })]);
  process.env.CDP_SERVE_AC = crm.apiKeys[0]!;
  served = await serveWorkspace({
    connections: [{ id: 'crm', source: 'activecampaign', environment: 'live', base_url: crm.url, credential_env: 'CDP_SERVE_AC' }],
    temporalAddress: env.address,
    prepare: (config) => addUsers(config, [{ email: ADMIN }]),
  });
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: () => loadConfig(served.ws.configFile) });
  await waitForSync(await startSync(env.client, findConnection(served.config, 'crm'), { mode: 'historical', buildAfter: false }), () => {});
  await runBuild(env.client);
  browser = await launchBrowser();
  admin = await openAs(browser, served.server.url);
  await signIn(admin, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  // The worker first: a build the last sync asked for must not run on a deleted workspace.
  await worker?.shutdown();
  await served?.close();
  await env?.teardown();
  await crm?.close();
});

/** Does something to the rules and returns the count shown once the builder has counted that change. */
async function countAfter(page: Page, change: () => Promise<void>): Promise<number> {
  const before = Number(await page.locator('#live-count').getAttribute('data-seq'));
  await change();
  const shown = await page.waitForSelector(`#live-count[data-state=ready]:not([data-seq="${before}"])`);
  return Number(await shown.getAttribute('data-count'));
}

/**
 * The nested segment's members by a query written here against the models, not by the rule
 * compiler or the preview: what the builder, the members page and the exports must agree with.
 */
async function expectedMembers(): Promise<{ count: number; emails: string[] }> {
  const { rows } = await queryWarehouse(
    served.config.layout.warehouse,
    `SELECT c.customer_id, c.email FROM core.customers AS c JOIN marts.customer_metrics AS m USING (customer_id)
     WHERE c.environment = 'live' AND m.amount_spent_minor > 0
       AND (lower(trim(c.first_name)) LIKE 'a%'
            OR c.customer_id NOT IN (SELECT t.customer_id FROM core.contact_tags AS t WHERE t.customer_id IS NOT NULL AND trim(t.tag) <> ''))`,
  );
  return { count: rows.length, emails: rows.map((r) => r.email).filter((e): e is string => typeof e === 'string' && e !== '').sort() };
}

const node = (p: string) => `[data-path="${p}"]`;
const own = (p: string, what: string) => `${node(p)} > .rule > ${what}`;

describe('segment builder, members and exports', () => {
  it('builds a nested segment whose live count moves to the count of its members queried by hand, and saves its file', async () => {
    const { page } = admin;
    await page.goto('/#/segments/new');
    await page.waitForSelector('#live-count[data-state=ready]');
    const counts = [Number(await page.locator('#live-count').getAttribute('data-count'))];
    await page.fill('input[name=segment-name]', SEGMENT);
    // all: [amount_spent > 0, any: [first_name starts_with a, not: has tag where tag is not empty]]
    counts.push(await countAfter(page, () => page.click(own('rules', '.group-actions > button[name=add-group]'))));
    counts.push(
      await countAfter(page, async () => {
        await page.selectOption(`${node('rules.all[1].any[0]')} select[name=field]`, 'first_name');
        await page.selectOption(`${node('rules.all[1].any[0]')} select[name=op]`, 'starts_with');
        await page.fill(`${node('rules.all[1].any[0]')} input[name=value]`, 'a');
      }),
    );
    counts.push(
      await countAfter(page, async () => {
        await page.click(own('rules.all[1]', '.group-actions > button[name=add-has]'));
        await page.selectOption(`${node('rules.all[1].any[1].where.all[0]')} select[name=op]`, 'is_not_empty');
      }),
    );
    counts.push(await countAfter(page, () => page.check(own('rules.all[1].any[1]', '.rule-line input[name=not]'))));
    await page.click('button[name=toggle-help]');
    await page.waitForSelector('.help-panel');
    expect(await page.locator('.help-panel').innerText()).toContain('within_last_days');
    await screenshot(page, 'builder');
    const moves = counts.filter((c, i) => i > 0 && c !== counts[i - 1]).length;
    expect(moves, `counts seen: ${counts.join(', ')}`).toBeGreaterThanOrEqual(2);

    await page.click('button[name=save]');
    await page.waitForURL(`**/#/segments/${SEGMENT}/rules`);
    const file = path.join(served.config.segmentsDir, `${SEGMENT}.yaml`);
    expect(parse(fs.readFileSync(file, 'utf8'))).toEqual({
      name: SEGMENT,
      // A new segment's own random id, which its members and history hang on.
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      environment: 'live',
      rules: {
        all: [
          { field: 'amount_spent', op: 'greater_than', value: 0 },
          { any: [{ field: 'first_name', op: 'starts_with', value: 'a' }, { not: { has: 'tag', where: { all: [{ field: 'tag', op: 'is_not_empty' }] } } }] },
        ],
      },
    });
    const expected = await expectedMembers();
    expect(counts.at(-1)).toBe(expected.count);
    expect(expected.count).toBeGreaterThan(0);
    expect(admin.errors).toEqual([]);
  });

  it('shows an invalid rule next to the rule and saves nothing', async () => {
    const { page } = admin;
    await page.goto('/#/segments/new');
    await page.waitForSelector('#live-count[data-state=ready]');
    await page.fill('input[name=segment-name]', 'not-saved');
    await page.fill(`${node('rules.all[0]')} input[name=value]`, 'lots');
    await page.waitForSelector('#live-count[data-state=invalid]');
    expect(await page.locator(`${node('rules.all[0]')} .rule-problems`).innerText()).toContain('rules.all[0].value expected a number');
    await page.click('button[name=save]');
    await page.waitForSelector('.message');
    expect(await page.locator('.message').innerText()).toMatch(/^Not saved: invalid segment definition/);
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'not-saved.yaml'))).toBe(false);
  });

  it('materializes the segment through the build workflow, pages and sorts its members, and downloads each export', async () => {
    const { page } = admin;
    await page.goto(`/#/segments/${SEGMENT}`);
    await page.click('button[name=materialize]');
    await page.waitForSelector('.members-table tbody tr');
    const truth = await expectedMembers();
    const expected = truth.count;
    expect(await page.locator('.pager span').innerText()).toContain(`(${expected} rows)`);
    const header = await page.locator('.members-table th').allInnerTexts();
    expect(header.map((h) => h.replace(/ [▲▼]$/, ''))).toEqual(expect.arrayContaining(['Name', 'Email', 'Zip', 'Amount spent', 'Discount received', 'Promo codes used', 'Returned items', 'Last order']));
    await screenshot(page, 'members');

    await page.click('button.sort[data-column=email]');
    await page.waitForSelector('th[aria-sort=ascending] button[data-column=email]');
    const emails = await page.locator('.members-table tbody tr td:nth-child(2)').allInnerTexts();
    expect(emails).toEqual([...emails].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await page.fill('input[name=member-filter]', emails[0]!);
    await expect.poll(() => page.locator('.members-table tbody tr').count()).toBe(1);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-serve-exports-'));
    for (const format of EXPORT_FORMATS) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.exports a[data-format=${format}]`)]);
      expect(download.suggestedFilename()).toBe(`${SEGMENT}-${format}.csv`);
      const got = path.join(dir, `web-${format}.csv`);
      await download.saveAs(got);
      const cli = path.join(dir, `cli-${format}.csv`);
      await exportSegment(loadConfig(served.ws.configFile), SEGMENT, format, cli);
      expect(fs.readFileSync(got, 'utf8'), format).toBe(fs.readFileSync(cli, 'utf8'));
      expect(fs.readFileSync(got, 'utf8').trim().split('\n')).toHaveLength(expected + 1);
      if (format === 'email') {
        const exported = (parseCsv(fs.readFileSync(got, 'utf8'), { columns: true }) as { email: string }[]).map((r) => r.email).filter(Boolean).sort();
        expect(exported).toEqual(truth.emails);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });

    await page.click('.tabs a:has-text("History")');
    await page.waitForSelector('.history-table tbody tr');
    expect(await page.locator('.history-table tbody tr').first().innerText()).toContain('first materialization');
    expect(admin.errors).toEqual([]);
  });

  it('draws the attribution dashboard from the warehouse with the chosen models', async () => {
    const { page } = admin;
    await page.goto('/#/attribution');
    const frame = page.frameLocator('iframe.report-frame');
    await frame.locator('body[data-charts-rendered]').waitFor();
    expect(await frame.locator('h1').innerText()).toBe('Attribution report: live');
    expect(await frame.locator('.meta').innerText()).toContain('models: last_touch, markov');
    await page.check('input[name=model][value=linear]');
    await page.selectOption('select[name=by]', 'source');
    await frame.locator('.meta:has-text("grouped by source; models: last_touch, linear, markov")').waitFor();
    await frame.locator('body[data-charts-rendered]').waitFor();
    await screenshot(page, 'attribution');
    expect(admin.errors).toEqual([]);
  });
});

describe('connections page', () => {
  it('starts a manual sync of the same workflow as `cdp sync`, shows its live progress and its completion', async () => {
    const { page } = admin;
    // Slower answers keep the sync running long enough to watch.
    crm.setFaults({ latencyMs: 250 });
    await page.goto('/#/connections');
    const card = page.locator('.connection[data-connection=crm]');
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('COMPLETED');
    await card.locator('button[name=manual-sync]').click();
    await card.locator('.progress').waitFor({ timeout: 30_000 });
    await screenshot(page, 'connections-syncing');
    await page.waitForSelector('.connection[data-connection=crm][data-status=COMPLETED]', { timeout: 60_000 });
    crm.setFaults({ latencyMs: 0 });
    const run = await env.client.workflow.getHandle(syncWorkflowId('crm')).describe();
    expect(run.status.name).toBe('COMPLETED');
    expect(run.typedSearchAttributes.get(SEARCH_ATTRIBUTES.mode)).toBe('manual');
    expect(await card.locator('.streams-table tbody tr').first().locator('td').nth(1).innerText()).toBe('manual');
    await screenshot(page, 'connections');
    expect(admin.errors).toEqual([]);
  });

  it('pauses and resumes the connection schedule the CLI made', async () => {
    await setSchedule(env.client, findConnection(served.config, 'crm'), SYNC_TASK_QUEUE, { every: '1h', catchupWindow: '1 day' });
    const { page } = admin;
    await page.goto('/#/connections');
    await page.reload();
    const card = page.locator('.connection[data-connection=crm]');
    await card.locator('button[name=pause-schedule]').click();
    await card.locator('button[name=resume-schedule]').waitFor();
    const paused = await env.client.schedule.getHandle(scheduleId('crm')).describe();
    expect(paused.state).toMatchObject({ paused: true, note: `paused from cdp serve by ${ADMIN}` });
    expect(await card.locator('.schedule').innerText()).toContain('Schedule paused');
    await card.locator('button[name=resume-schedule]').click();
    await card.locator('button[name=pause-schedule]').waitFor();
    expect((await env.client.schedule.getHandle(scheduleId('crm')).describe()).state.paused).toBe(false);
    await env.client.schedule.getHandle(scheduleId('crm')).delete();
  });
});
