import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD } from './support';

// Debian's Chromium driven by playwright-core, one context (cookie jar) per person, with every page
// error collected so a test fails on a script error it did not look for.

export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/serve/', import.meta.url));

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium' });

export interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function openAs(browser: Browser, baseURL: string): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('dialog', (d) => {
    // Only the app's own confirmations are expected; an alert would be injected script running.
    if (d.type() !== 'confirm') errors.push(`unexpected ${d.type()}: ${d.message()}`);
    void d.accept();
  });
  return { context, page, errors };
}

export async function signIn(person: Person, email: string, password = PASSWORD): Promise<void> {
  const { page } = person;
  await page.goto('/');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[name=sign-in]');
  await page.waitForSelector('#signed-in-as');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
