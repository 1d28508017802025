import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openAs, screenshot, signIn, type Person } from './browser';
import { addUsers, buildEmptyWarehouse, serveWorkspace, writeSegmentFile, type ServedWorkspace } from './support';

// Sharing in the browser, as people use it: an owner shares a segment read-only with a colleague
// who can view it but not change it, a share runs out, a revoke takes effect at once, and an
// invitation link creates the account of someone who had none.

const OWNER = 'owner@example.com';
const COLLEAGUE = 'colleague@example.com';
const HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)">Spring <b>sale</b>';

let served: ServedWorkspace;
let browser: Browser;
let owner: Person;
let colleague: Person;
// The served app's clock: the real one, moved on by tests of expiry.
let clockOffsetMs = 0;
const serverNowMs = () => Date.now() + clockOffsetMs;

beforeAll(async () => {
  served = await serveWorkspace({
    nowMs: serverNowMs,
    prepare: async (config) => {
      writeSegmentFile(config, 'vip', { environment: 'live', description: HOSTILE, rules: { any: [{ has: 'tag', where: { field: 'tag', op: 'equals', value: HOSTILE } }, { field: 'amount_spent', op: 'greater_than', value: 500 }] } });
      await buildEmptyWarehouse(config);
      await addUsers(config, [{ email: OWNER, admin: true }, { email: COLLEAGUE }]);
    },
  });
  browser = await launchBrowser();
  owner = await openAs(browser, served.server.url);
  colleague = await openAs(browser, served.server.url);
  await signIn(owner, OWNER);
  await signIn(colleague, COLLEAGUE);
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

async function share(email: string, opts: { expiresAt?: string } = {}): Promise<string> {
  const { page } = owner;
  await page.goto('/#/segments/vip/sharing');
  await page.fill('input[name=share-email]', email);
  if (opts.expiresAt) await page.fill('input[name=share-expires]', opts.expiresAt);
  await page.click('button[name=share]');
  return (await page.waitForSelector('#share-result')).innerText();
}

/** What the colleague sees on the segment's page: its heading, or the error in its place. */
async function colleagueOpensVip(): Promise<string> {
  const { page } = colleague;
  await page.goto('/#/segments');
  await page.goto('/#/segments/vip');
  await page.reload();
  return (await page.waitForSelector('main h1, main .error')).innerText();
}

/** `YYYY-MM-DDTHH:MM:SS` in the browser's zone, as a datetime-local input takes it. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

describe('sharing a segment in the browser', () => {
  it('shows an owner their segments, with names, descriptions and rule values containing HTML as text', async () => {
    const { page } = owner;
    await page.goto('/#/segments');
    await page.waitForSelector('tr[data-segment=vip]');
    expect(await page.locator('tr[data-segment=vip] td').nth(3).innerText()).toBe('admins (segment file)');
    expect(await page.locator('tr[data-segment=vip] .small').innerText()).toBe(HOSTILE);
    await page.goto('/#/segments/vip/rules');
    await page.waitForSelector('[data-path="rules.any[0]"]');
    expect(await page.locator('.description').innerText()).toBe(HOSTILE);
    expect(await page.locator('[data-path="rules.any[0].where"] input[name=value]').inputValue()).toBe(HOSTILE);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(owner.errors).toEqual([]);
    await screenshot(page, 'segment-rules');
  });

  it('shares read-only with a colleague, who can view the members but not edit, delete or share', async () => {
    expect(await share(COLLEAGUE)).toContain(`${COLLEAGUE} has access now`);
    const { page } = colleague;
    await page.goto('/#/segments');
    await page.reload();
    await page.click('button[role=tab]:has-text("Shared with you")');
    await page.waitForSelector('tr[data-segment=vip]');
    expect(await page.locator('tr[data-segment=vip] td').last().innerText()).toBe('read');
    await page.click('tr[data-segment=vip] a');
    await page.waitForSelector('.members-table');
    expect(await page.locator('.exports a').count()).toBe(4);
    expect(await page.locator('#edit-segment, button[name=delete-segment], button[name=materialize]').count()).toBe(0);
    expect(await page.locator('.tabs a').allInnerTexts()).toEqual(['Members', 'History', 'Rules']);
    await page.click('.tabs a:has-text("Rules")');
    await page.waitForSelector('[data-path="rules.any[1]"]');
    expect(await page.locator('[data-path="rules.any[1]"] input[name=value]').isDisabled()).toBe(true);
    // The edit page itself refuses to save for a reader, and counts nothing: a grant of one segment is not access to the environment's customers.
    await page.goto('/#/segments/vip/edit');
    await page.waitForSelector('#live-count[data-state=denied]');
    await page.click('button[name=save]');
    await page.waitForSelector('.message');
    expect(await page.locator('.message').innerText()).toContain('you may not edit segment "vip"');
    await screenshot(page, 'shared-read-only');
    expect(colleague.errors).toEqual([]);
  });

  it('lists the grant under Manage permissions and revokes it for the very next request', async () => {
    const { page } = owner;
    await page.goto('/#/segments/vip/sharing');
    const row = page.locator(`tr[data-grantee="${COLLEAGUE}"]`);
    await row.waitFor();
    expect(await row.locator('td').allInnerTexts()).toEqual([COLLEAGUE, 'read', 'no expiry', 'yes', 'Revoke']);
    await screenshot(page, 'manage-permissions');
    await row.locator('button[name=revoke]').click();
    await row.waitFor({ state: 'detached' });
    expect(await colleagueOpensVip()).toBe('segment "vip" not found');
  });

  it('ends a share at its expiry', async () => {
    // A whole second, as the form's time input takes it.
    const expiresAtMs = Math.ceil((serverNowMs() + 60 * 60_000) / 1000) * 1000;
    expect(await share(COLLEAGUE, { expiresAt: localInput(expiresAtMs) })).toContain('has access now');
    expect(await colleagueOpensVip()).toMatch(/^vip/);
    // The server's clock moves to the expiry.
    clockOffsetMs += expiresAtMs - serverNowMs();
    try {
      expect(await colleagueOpensVip()).toBe('segment "vip" not found');
      await owner.page.goto('/#/segments');
      await owner.page.goto('/#/segments/vip/sharing');
      await owner.page.waitForSelector(`tr[data-grantee="${COLLEAGUE}"].expired`);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('invites an unknown email with a link that creates the account and opens the segment', async () => {
    const result = await share('newcomer@example.com');
    expect(result).toContain('newcomer@example.com has no account yet');
    const link = await owner.page.locator('.invitation-link').inputValue();
    expect(link).toMatch(new RegExp(`^${served.server.url}/#/invite/[A-Za-z0-9_-]{43}$`));
    const newcomer = await openAs(browser, served.server.url);
    const { page } = newcomer;
    await page.goto(link);
    await page.waitForSelector('#invited-email');
    expect(await page.locator('#invited-email').innerText()).toBe('newcomer@example.com');
    await page.fill('input[name=name]', 'New Comer');
    await page.fill('input[name=new-password]', 'a long enough password');
    await page.fill('input[name=new-password-again]', 'a long enough password');
    await screenshot(page, 'invitation');
    await page.click('button[name=create-account]');
    await page.waitForSelector('#signed-in-as');
    expect(await page.locator('#signed-in-as').innerText()).toBe('newcomer@example.com');
    await page.click('button[role=tab]:has-text("Shared with you")');
    await page.waitForSelector('tr[data-segment=vip]');
    expect(newcomer.errors).toEqual([]);
    await newcomer.context.close();
  });
});
