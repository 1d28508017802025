import { afterEach, describe, expect, it } from 'vitest';
import { activecampaignSource } from '../../../activities/sources/activecampaign/spec';
import { fetchPage } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { ConnectionConfig } from '../../../lib/config-schema';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../../emulators/activecampaign';

// ActiveCampaign's Rate Limits page: 5 requests a second per account, shared by every key; answers
// carry RateLimit-Limit and RateLimit-Remaining, and a 429 says how long to pause in Retry-After.
// The connector, budgeted for the documented 5 a second, reads an account whose limit is lower: it
// follows the limit the answers announce and sits out a spent second, so the account never has to
// refuse it, and it reads every record the emulator's ground truth holds.

const KEY = 'ac-rate-limit-key';
let em: ActiveCampaignEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

describe('the ActiveCampaign connector under the account rate limit', () => {
  it('paces itself by RateLimit-Limit and RateLimit-Remaining: no 429 and no early retry, every record read', async () => {
    // An account allowing 2 requests a second, half of what the connector budgets by default.
    em = await startActiveCampaignEmulator({ seed: 4, scale: 0.1, apiKeys: [KEY], rateLimitPerSecond: 2 });
    const truth = em.truth();
    const connection: ConnectionConfig = { id: 'crm', source: 'activecampaign', environment: 'live', base_url: em.url, credential_env: 'AC_KEY' };
    // The limiter a sync starts with: the source's budget for a live account.
    const limiter = new RateLimiter(activecampaignSource.requestsPerSecond.live);
    const read: Record<string, number> = {};
    let requests = 0;
    for (const stream of activecampaignSource.streams.filter((s) => ['contacts', 'tags', 'contact_tags', 'field_values'].includes(s.name))) {
      const ids = new Set<string>();
      for (let token: string | null = null, first = true; first || token !== null; first = false) {
        const page = await fetchPage({ source: activecampaignSource, stream, connection, credential: KEY, limiter, window: { from: null, to: 2_000_000_000 }, pageToken: token });
        requests += 1;
        for (const record of page.records) ids.add(String(record.id));
        token = page.nextToken;
      }
      read[stream.name] = ids.size;
    }
    expect(read).toEqual({ contacts: truth.streams.contacts.count, tags: truth.streams.tags.count, contact_tags: truth.streams.contactTags.count, field_values: truth.streams.fieldValues.count });
    // Enough requests to spend the account's second many times over.
    expect(requests).toBeGreaterThan(10);
    expect(em.stats()).toEqual({ requests, rateLimited: 0, earlyRetries: 0 });
  });
});
