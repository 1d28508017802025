import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materializeSegments } from '../../lib/segments/materialize';
import { addUsers, ApiClient, buildEmptyWarehouse, serveWorkspace, writeSegmentFile, type ServedWorkspace } from './support';

// Rule bodies written to break the validator, sent over real HTTP to the create and preview routes:
// names of Object's own members where a field, record kind or operator goes, a __proto__ key, and
// nesting far past the documented limit of 64. Each is refused with the rule's path, nothing is
// saved, and every other segment still materializes.

const ADMIN = 'admin@example.com';

let served: ServedWorkspace;
let admin: ApiClient;

beforeAll(async () => {
  served = await serveWorkspace({
    prepare: async (config) => {
      writeSegmentFile(config, 'vip', { environment: 'live', rules: { has: 'tag', where: { field: 'tag', op: 'equals', value: 'VIP' } } });
      await buildEmptyWarehouse(config);
      await addUsers(config, [{ email: ADMIN }]);
    },
  });
  admin = new ApiClient(served.server.url);
  expect((await admin.signIn(ADMIN)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

/** `{not: {not: ... rule}}`, `depth` levels down. */
function nested(depth: number, rule: object): object {
  let r = rule;
  for (let i = 0; i < depth; i++) r = { not: r };
  return r;
}

const HOSTILE: [string, object, string][] = [
  ['a record kind named constructor', { has: 'constructor' }, 'rules.has'],
  ['a record kind named __proto__', { has: '__proto__' }, 'rules.has'],
  ['a field named toString', { field: 'toString', op: 'equals', value: 1 }, 'rules.field'],
  ['a field named constructor inside a record rule', { has: 'order', where: { field: 'constructor', op: 'is_true' } }, 'rules.where.field'],
  ['an operator named hasOwnProperty', { field: 'email', op: 'hasOwnProperty', value: 'x' }, 'rules.op'],
  ['600 levels of nesting', nested(600, { field: 'in_crm', op: 'is_true' }), 'rules'],
];

describe('hostile rule bodies', () => {
  for (const [what, rules, path] of HOSTILE) {
    it(`refuses ${what} with the rule's path on create and preview, and saves nothing`, async () => {
      const created = await admin.call('POST', '/api/segments', { name: 'hostile', environment: 'live', rules });
      expect(created.status, created.text.slice(0, 300)).toBe(422);
      expect(created.body.problems?.map((p) => p.path).some((p) => p.startsWith(path)), JSON.stringify(created.body.problems)).toBe(true);
      expect(fs.existsSync(`${served.config.segmentsDir}/hostile.yaml`)).toBe(false);
      const previewed = await admin.call('POST', '/api/segments/preview', { environment: 'live', rules });
      expect(previewed.status).toBe(422);
    });
  }

  it('refuses a body that carries a __proto__ key before any handler sees it', async () => {
    const raw = '{"name":"hostile","environment":"live","rules":{"field":"in_crm","op":"is_true","__proto__":{"polluted":true}}}';
    const answer = await admin.call('POST', '/api/segments', undefined, { rawBody: raw });
    expect(answer.status).toBe(400);
    expect(fs.existsSync(`${served.config.segmentsDir}/hostile.yaml`)).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves every other segment materializing', async () => {
    const result = await materializeSegments(served.config);
    expect(result.failed).toEqual([]);
    expect(result.segments.map((s) => s.segment).sort()).toEqual(['customers', 'vip']);
  });
});
