import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionReportData, ReportRow } from '../../lib/report/attribution-data';
import { renderAttributionHtml } from '../../lib/report/attribution-html';

// The HTML attribution report opened from disk in Debian's Chromium: it must draw its four charts
// offline, log no error, and show exactly the numbers it was given.

const SCREENSHOT = fileURLToPath(new URL('../../test-output/report-html/attribution.png', import.meta.url));
const MODELS = ['first_touch', 'last_touch', 'linear', 'markov'];
const SPRING = 'google_ads / Spring <Sale> & "Friends"';
const CAFE = "facebook_ads / Café Été — l'offre 10 %";
const NEWSLETTER = 'newsletter / weekly';
// A name that would end the data's <script> element and open a comment if the JSON were spliced in raw.
const HOSTILE = 'partner / </script><!-- x\u2028y';

/** A row as the warehouse reader builds it: cost per lead and acquisition and ROAS from spend. */
function row(model: string, group: string, leads: number, customers: number, invoicedMinor: number, collectedMinor: number, spendMinor: number | null): ReportRow {
  return {
    model,
    group,
    leads,
    customers,
    invoicedMinor,
    collectedMinor,
    spendMinor,
    costPerLeadMinor: spendMinor && leads > 0 ? spendMinor / leads : null,
    costPerAcquisitionMinor: spendMinor && customers > 0 ? spendMinor / customers : null,
    roas: spendMinor ? collectedMinor / spendMinor : null,
  };
}

function reportData(): AttributionReportData {
  const groups: [string, number][] = [[SPRING, 400_000], [CAFE, 250_000], [NEWSLETTER, 0], [HOSTILE, 90_000]];
  const rows = [
    row('first_touch', SPRING, 12.5, 3, 1_234_567, 1_200_050, 400_000),
    row('first_touch', CAFE, 7, 2, 500_000, 480_000, 250_000),
    row('first_touch', NEWSLETTER, 4, 1, 90_000, 90_000, null),
    row('first_touch', HOSTILE, 1, 0, 0, 0, 90_000),
    // The other models share the same conversions differently; linear's are fractions.
    ...MODELS.slice(1).flatMap((model, m) =>
      groups.map(([group, spend], g) => {
        const collected = 150_000 * (g + 1) + 70_000 * m;
        return row(model, group, 24.5 / (g + 2), m === 1 ? 1 / 3 : g, collected + 2_500, collected, spend || null);
      }),
    ),
  ];
  const overTime = MODELS.flatMap((model, m) =>
    Array.from({ length: 30 }, (_, day) => {
      const collected = ((day * 37 + m * 11) % 23) * 4_000 + 10_000;
      return { date: `2025-03-${String(day + 1).padStart(2, '0')}`, model, invoicedMinor: collected + 1_000, collectedMinor: collected, spendMinor: day === 14 ? null : 25_000 + (day % 7) * 3_000 };
    }),
  );
  const ltv = (source: string, medium: string, campaign: string, customers: number, lifetimeRevenueMinor: number) => ({
    source,
    medium,
    campaign,
    customers,
    revenue30dMinor: Math.round(lifetimeRevenueMinor * 0.4),
    revenue90dMinor: Math.round(lifetimeRevenueMinor * 0.7),
    revenue365dMinor: lifetimeRevenueMinor,
    lifetimeRevenueMinor,
    averageLtvMinor: lifetimeRevenueMinor / customers,
  });
  return {
    environment: 'live',
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    from: '2025-03-01',
    to: '2025-03-30',
    by: 'campaign',
    models: MODELS,
    rows,
    overTime,
    ltvBySource: [
      ltv('google', 'cpc', 'Spring <Sale> & "Friends"', 3, 1_500_000),
      ltv('google', 'cpc', 'brand', 2, 400_000),
      ltv('facebook', 'paid_social', 'Café Été', 2, 600_000),
      ltv('newsletter', 'email', 'weekly', 1, 90_000),
      ltv('(none)', '(none)', '(no touch)', 4, 200_000),
    ],
    checks: MODELS.flatMap((model) => [
      { model, kind: 'customer', conversions: 6, credited: model === 'linear' ? 6.000000001 : 6, balanced: true },
      { model, kind: 'lead', conversions: 24, credited: 24, balanced: true },
      { model, kind: 'order', conversions: 9, credited: 9, balanced: true },
    ]),
  };
}

describe('attribution HTML report', () => {
  it('loads no script or stylesheet from the network and escapes campaign names', () => {
    const html = renderAttributionHtml(reportData());
    expect(html).not.toMatch(/<(script|link|img)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html).toContain('Spring &lt;Sale&gt; &amp; &quot;Friends&quot;');
    expect(html).not.toContain('<Sale>');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).not.toContain('<!-- x');
  });

  describe('in a headless browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('draws four charts offline without errors and shows the numbers it was given', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-report-html-'));
      const file = path.join(dir, 'attribution.html');
      fs.writeFileSync(file, renderAttributionHtml(reportData()));
      const url = pathToFileURL(file).href;

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      // Any count, then the errors, then the count: a chart that failed shows up as its error, not a timeout.
      await page.waitForSelector('body[data-charts-rendered]', { timeout: 30_000 });
      expect(errors).toEqual([]);
      expect(await page.locator('body[data-charts-rendered="4"]').count()).toBe(1);
      expect(requests).toEqual([url]);

      // Pixels of colour (data), not only the grey of axes and text. Strings, because the project's
      // TypeScript has no DOM library.
      const canvases = await page.evaluate<{ id: string; inked: number; coloured: number }[]>(`[...document.querySelectorAll('canvas')].map((c) => {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let inked = 0, coloured = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] === 0) continue;
          inked++;
          if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) coloured++;
        }
        return { id: c.id, inked, coloured };
      })`);
      expect(canvases.map((c) => c.id)).toEqual(['chart-spend-revenue', 'chart-roas', 'chart-over-time', 'chart-ltv']);
      for (const c of canvases) {
        expect(c.inked, c.id).toBeGreaterThan(1_000);
        expect(c.coloured, c.id).toBeGreaterThan(200);
      }

      const cells = async (table: string, n: number) => page.locator(`#${table} tbody tr`).nth(n).locator('td').allTextContents();
      expect(await page.locator('#attribution-rows tbody tr').count()).toBe(16);
      expect(await cells('attribution-rows', 0)).toEqual(['first_touch', SPRING, '12.5', '3', '12,345.67 EUR', '12,000.50 EUR', '4,000.00 EUR', '320.00 EUR', '1,333.33 EUR', '3.00']);
      expect(await cells('attribution-rows', 1)).toEqual(['first_touch', CAFE, '7', '2', '5,000.00 EUR', '4,800.00 EUR', '2,500.00 EUR', '357.14 EUR', '1,250.00 EUR', '1.92']);
      expect(await cells('attribution-rows', 2)).toEqual(['first_touch', NEWSLETTER, '4', '1', '900.00 EUR', '900.00 EUR', '', '', '', '']);
      expect(await cells('attribution-rows', 3)).toEqual(['first_touch', HOSTILE, '1', '0', '0.00 EUR', '0.00 EUR', '900.00 EUR', '900.00 EUR', '', '0.00']);
      // linear: 24.5 / 3 leads and a third of a customer.
      expect(await cells('attribution-rows', 9)).toEqual(['linear', CAFE, '8.17', '0.33', '3,725.00 EUR', '3,700.00 EUR', '2,500.00 EUR', '306.12 EUR', '7,500.00 EUR', '1.48']);

      expect(await page.locator('#credit-checks tbody tr').count()).toBe(12);
      expect(await cells('credit-checks', 3)).toEqual(['last_touch', 'customer', '6', '6', 'yes']);
      expect(await cells('credit-checks', 6)).toEqual(['linear', 'customer', '6', '6', 'yes']);
      expect(await page.locator('#credit-check-summary').textContent()).toMatch(/^Every model balances/);
      expect(await page.locator('h1').textContent()).toBe('Attribution report: live');
      expect(await page.locator('.meta').textContent()).toContain('2025-03-01 to 2025-03-30, time zone Europe/Berlin, money in EUR');

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      await page.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});
