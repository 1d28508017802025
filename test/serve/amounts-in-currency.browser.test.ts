import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { launchBrowser, openAs, screenshot, signIn, type Person } from './browser';
import { addUsers, buildEmptyWarehouse, serveWorkspace, type ServedWorkspace } from './support';

// The builder offers amounts in one currency: picking amount_spent_in asks for a currency (the
// reporting currency to start with), offers only the comparisons, shows a bad code next to its
// rule, and saves the rule as a file writes it.

const ADMIN = 'admin@example.com';
const SEGMENT = 'usd-mid-spenders';

let served: ServedWorkspace;
let browser: Browser;
let admin: Person;

beforeAll(async () => {
  served = await serveWorkspace({
    config: { reporting_currency: 'EUR', currency_rates: { USD: 0.9, JPY: 0.006 } },
    prepare: async (config) => {
      await buildEmptyWarehouse(config);
      await addUsers(config, [{ email: ADMIN }]);
    },
  });
  browser = await launchBrowser();
  admin = await openAs(browser, served.server.url);
  await signIn(admin, ADMIN);
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const rule = (p: string, what: string) => `[data-path="${p}"] ${what}`;

/** Waits until the builder has counted (or refused) the rules as they are after `change`. */
async function afterCount(page: Page, change: () => Promise<void>, state: 'ready' | 'invalid' = 'ready'): Promise<void> {
  const before = await page.locator('#live-count').getAttribute('data-seq');
  await change();
  await page.waitForSelector(`#live-count[data-state=${state}]:not([data-seq="${before}"])`);
}

describe('the segment builder', () => {
  it('offers spend in one currency, refuses an unknown code at its rule, and saves the rule', async () => {
    const { page } = admin;
    await page.goto('/#/segments/new');
    await page.waitForSelector('#live-count[data-state=ready]');
    await page.fill('input[name=segment-name]', SEGMENT);
    const first = 'rules.all[0]';
    expect(await page.locator(rule(first, 'select[name=field] option')).allTextContents()).toContain('amount_spent_in');
    expect(await page.locator(rule(first, 'input[name=currency]')).count()).toBe(0);

    await afterCount(page, async () => {
      await page.selectOption(rule(first, 'select[name=field]'), 'amount_spent_in');
    });
    // The reporting currency to start with; only comparisons, as an amount in a currency is never empty.
    expect(await page.inputValue(rule(first, 'input[name=currency]'))).toBe('EUR');
    const ops = await page.locator(rule(first, 'select[name=op] option')).allTextContents();
    expect(ops).toEqual(['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between']);
    const offered = await page.locator(rule(first, 'datalist option')).evaluateAll((options) => options.slice(0, 3).map((o) => (o as unknown as { value: string }).value));
    expect(offered).toEqual(['EUR', 'JPY', 'USD']);

    await afterCount(page, () => page.fill(rule(first, 'input[name=currency]'), 'usx'), 'invalid');
    expect(await page.locator(rule(first, '.rule-problems')).innerText()).toContain('rules.all[0].currency unknown currency "USX"');

    await afterCount(page, async () => {
      await page.fill(rule(first, 'input[name=currency]'), 'usd');
      await page.selectOption(rule(first, 'select[name=op]'), 'between');
      await page.fill(rule(first, 'input[aria-label=low]'), '100');
      await page.fill(rule(first, 'input[aria-label=high]'), '1000');
    });
    await page.click('button[name=toggle-help]');
    expect(await page.locator('.help-panel').innerText()).toContain('Amounts in one currency (amount_spent_in, net_revenue_in, discount_received_in, refunded_amount_in)');
    await screenshot(page, 'builder-amount-in-currency');

    await page.click('button[name=save]');
    await page.waitForURL(`**/#/segments/${SEGMENT}/rules`);
    const saved = parse(fs.readFileSync(path.join(served.config.segmentsDir, `${SEGMENT}.yaml`), 'utf8'));
    expect(saved.rules).toEqual({ all: [{ field: 'amount_spent_in', currency: 'USD', op: 'between', value: [100, 1000] }] });
    expect(admin.errors).toEqual([]);
  });
});
