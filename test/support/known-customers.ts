import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { landRawRows } from './raw-lake';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { makeWorkspace } from './workspace';

// People a test knows by name and email, landed as Stripe customers of a live connection `shop`
// the way a sync lands them, so a build makes them the warehouse's customers.

export interface KnownPerson {
  first: string;
  last: string;
  email: string;
}

/** The connection the people are landed under; a workspace made with it has them after a build. */
export const SHOP_CONNECTION = { id: 'shop', source: 'stripe', environment: 'live', base_url: 'https://api.stripe.com', credential_env: 'CDP_KNOWN_CUSTOMERS_KEY' };

/** Lands the people as Stripe customers of `shop` (one file, as one historical sync would). */
export async function landKnownPeople(config: LoadedConfig, people: readonly KnownPerson[]): Promise<void> {
  const fixture = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'stripe', 'fixtures3.subset.json'), 'utf8')) as { resources: { customer: Record<string, unknown> } }).resources.customer;
  const customers = people.map((p, i) => ({
    ...fixture,
    id: `cus_known${i}`,
    livemode: true,
    name: `${p.first} ${p.last}`,
    email: p.email,
    created: 1_700_000_000 + i,
    address: { city: 'Lisbon', country: 'PT', line1: null, line2: null, postal_code: '1100-148', state: null },
  }));
  await landRawRows(
    config,
    { source: 'stripe', stream: 'customers', connection: 'shop', environment: 'live', syncId: 'known-people', syncMode: 'historical', seq: 0 },
    customers.map((c) => ({ primaryKey: c.id, cursorValue: String(c.created), syncedAt: new Date('2026-01-01T00:00:00Z'), payload: c })),
  );
}

/** Three people of one last name, and rules that match all of them or none. */
export const THE_DOES: readonly KnownPerson[] = [
  { first: 'Ann', last: 'Doe', email: 'ann@doe.example' },
  { first: 'Bob', last: 'Doe', email: 'bob@doe.example' },
  { first: 'Cy', last: 'Doe', email: 'cy@doe.example' },
];
export const EVERY_DOE = { field: 'last_name', op: 'equals', value: 'Doe' };
export const NOBODY = { field: 'last_name', op: 'equals', value: 'Nobody' };

/** A workspace of the `shop` connection whose warehouse is built on the people landed in it. */
export async function builtWorkspaceOf(people: readonly KnownPerson[], extra: Record<string, unknown> = {}): Promise<{ ws: ReturnType<typeof makeWorkspace>; config: LoadedConfig }> {
  const ws = makeWorkspace([SHOP_CONNECTION], extra);
  const config = ws.config();
  await landKnownPeople(config, people);
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  return { ws, config };
}
