import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { validateDefinition, type Rule, type SegmentDefinition } from '../../lib/segments/definition';
import { customerDefinitionSegment, loadSegments, readSegmentFile, writeSegment } from '../../lib/segments/files';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-segment-files-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const connection = (id: string, source: string, environment: string) =>
  `  - { id: ${id}, source: ${source}, environment: ${environment}, base_url: "https://example.com", credential_env: KEY }\n`;

/** A config file in its own folder (segments in `<folder>/segments`), from the text after `connections:`. */
function configIn(folder: string, text: string): LoadedConfig {
  const dir = path.join(root, folder);
  fs.mkdirSync(dir, { recursive: true });
  return parseConfig(text, path.join(dir, 'cdp.config.yaml'));
}

/** Writes segment files into the config's segments folder. */
function writeFiles(config: LoadedConfig, files: Record<string, string>): void {
  fs.mkdirSync(config.segmentsDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(config.segmentsDir, name), text);
}

const PAID_ORDER: Rule = {
  has: 'order',
  where: { all: [{ field: 'counts_as_revenue', op: 'is_true' }, { field: 'status', op: 'in', value: ['paid', 'partially_refunded', 'refunded'] }] },
};
const TAGGED: Rule = {
  any: [
    { has: 'tag', where: { field: 'tag', op: 'equals', value: 'STATUS: Client' } },
    { has: 'tag', where: { field: 'tag', op: 'equals', value: 'VIP' } },
    { has: 'tag', where: { field: 'tag', op: 'contains', value: 'bought' } },
  ],
};
const TAG_CONFIG = 'customers: { definition: DEFINITION, tags_equal: ["STATUS: Client", VIP], tags_containing: [bought] }\nconnections:\n';
const description = (definition: string) =>
  `The account's customers (config customers.definition: ${definition}): a paid order in stripe, thrivecart, bigcommerce, amazon_seller, or the customer tags where no payment source is connected`;

describe('the generated customer segment', () => {
  it.each([
    ['paid_orders', PAID_ORDER],
    ['tags', TAGGED],
    [
      'auto',
      {
        any: [
          { all: [{ field: 'has_payment_source', op: 'is_true' }, PAID_ORDER] },
          { all: [{ field: 'has_payment_source', op: 'is_false' }, TAGGED] },
        ],
      },
    ],
  ])('for definition %s holds the configured tags and validates as it is', (definition, rules) => {
    const config = configIn(`generated-${definition}`, TAG_CONFIG.replace('DEFINITION', definition) + connection('crm', 'activecampaign', 'live'));
    const segment = customerDefinitionSegment(config);
    expect(segment).toEqual({ name: 'customers', environment: 'live', description: description(definition), rules });
    expect(validateDefinition(segment, 'generated')).toEqual(segment);
  });

  it('with no customer tags configured, the tag branch is is_tagged_customer and still validates', () => {
    const segment = customerDefinitionSegment(configIn('generated-no-tags', 'customers: { definition: tags, tags_equal: [], tags_containing: [] }\n'));
    expect(segment.rules).toEqual({ field: 'is_tagged_customer', op: 'is_true' });
    expect(validateDefinition(segment, 'generated')).toEqual(segment);
  });

  it('uses the default tags when the config names none', () => {
    const segment = customerDefinitionSegment(configIn('generated-defaults', 'customers: { definition: tags }\n'));
    expect(segment.rules).toEqual({
      any: [
        { has: 'tag', where: { field: 'tag', op: 'equals', value: 'STATUS: Customer' } },
        { has: 'tag', where: { field: 'tag', op: 'contains', value: 'purchase' } },
      ],
    });
  });

  it('is for the sandbox only when every connection is a sandbox one', () => {
    const environmentOf = (folder: string, connections: string) => customerDefinitionSegment(configIn(folder, `connections:\n${connections}`)).environment;
    expect(environmentOf('env-sandbox', connection('stripe-test', 'stripe', 'sandbox') + connection('crm-test', 'activecampaign', 'sandbox'))).toBe('sandbox');
    expect(environmentOf('env-mixed', connection('stripe-test', 'stripe', 'sandbox') + connection('crm', 'activecampaign', 'live'))).toBe('live');
    expect(customerDefinitionSegment(configIn('env-none', '{}\n')).environment).toBe('live');
  });
});

describe('loading segments', () => {
  it('returns the valid segments after the generated one, and one error naming each invalid file', () => {
    const config = configIn('load-mixed', '{}\n');
    writeFiles(config, {
      'a-good.yaml': 'description: good\nrules: { field: city, op: equals, value: Berlin }\n',
      'b-bad.yaml': 'rules: { field: town, op: equals, value: Berlin }\n',
      'c-broken.yaml': 'rules: [\n',
      'd-dup.yaml': 'rules: { field: in_crm, op: is_true }\n',
      'd-dup.yml': 'rules: { field: in_crm, op: is_false }\n',
      'notes.txt': 'not a segment',
    });
    const file = (name: string) => path.join(config.segmentsDir, name);
    const { segments, errors } = loadSegments(config);
    expect(segments.map((s) => [s.definition.name, s.file])).toEqual([
      ['customers', undefined],
      ['a-good', file('a-good.yaml')],
      ['d-dup', file('d-dup.yaml')],
    ]);
    expect(segments[1]!.definition).toEqual({ name: 'a-good', environment: 'live', description: 'good', rules: { field: 'city', op: 'equals', value: 'Berlin' } });
    expect(errors.every((e) => e instanceof ConfigError)).toBe(true);
    expect(errors.map((e) => e.file)).toEqual([file('b-bad.yaml'), file('c-broken.yaml'), file('d-dup.yml')]);
    expect(errors[0]!.message.split('\n')[1]).toMatch(new RegExp(`^${file('b-bad.yaml')}: rules\\.field: unknown field "town" of a customer; choose one of: name, `));
    expect(errors[1]!.message.startsWith(`${file('c-broken.yaml')}: not valid YAML: `)).toBe(true);
    expect(errors[2]!.message).toBe(`${file('d-dup.yml')}: name: segment "d-dup" is already defined in ${file('d-dup.yaml')}`);
  });

  it('a customers.yaml file replaces the generated customer segment', () => {
    const config = configIn('load-customers', '{}\n');
    writeFiles(config, { 'customers.yaml': 'environment: sandbox\nrules: { field: is_paying_customer, op: is_true }\n', 'vip.yaml': 'rules: { has: tag }\n' });
    const { segments, errors } = loadSegments(config);
    expect(errors).toEqual([]);
    expect(segments).toEqual([
      {
        file: path.join(config.segmentsDir, 'customers.yaml'),
        definition: { name: 'customers', environment: 'sandbox', rules: { field: 'is_paying_customer', op: 'is_true' } },
      },
      { file: path.join(config.segmentsDir, 'vip.yaml'), definition: { name: 'vip', environment: 'live', rules: { has: 'tag' } } },
    ]);
  });

  it('with no segments folder there is only the generated customer segment', () => {
    const config = configIn('load-none', 'segments_dir: nowhere\n');
    expect(loadSegments(config)).toEqual({ segments: [{ definition: customerDefinitionSegment(config) }], errors: [] });
  });
});

describe('writing segments', () => {
  it('what writeSegment writes, readSegmentFile reads back the same, values YAML would retype included', () => {
    const config = configIn('write', 'segments_dir: saved/segments\n');
    const definition: SegmentDefinition = {
      name: 'round_trip-1',
      environment: 'sandbox',
      description: 'Zoë "Zo" O\'Brien: #1 fan',
      rules: {
        all: [
          { any: [{ field: 'zip', op: 'in', value: ['00123', 'true', 'null', '1e3'] }, { field: 'city', op: 'equals', value: 'a: b # c' }] },
          { not: { has: 'order', where: { field: 'ordered_at', op: 'between', value: ['2024-01-01', '2024-02-01T00:00:00+01:00'] }, count: { op: 'between', value: [1, 3] } } },
          { field: 'amount_spent', op: 'greater_or_equal', value: 49.99 },
          { field: 'last_name', op: 'is_empty' },
        ],
      },
    };
    const file = writeSegment(config, definition);
    expect(file).toBe(path.join(root, 'write', 'saved', 'segments', 'round_trip-1.yaml'));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['round_trip-1.yaml']);
    expect(readSegmentFile(file)).toEqual({ file, definition });
  });

  it('refuses an invalid definition, naming the file it would have written, and writes nothing', () => {
    const config = configIn('write-invalid', '{}\n');
    const bad = { name: 'bad', environment: 'live', rules: { field: 'town', op: 'is_empty' } } as SegmentDefinition;
    const target = path.join(config.segmentsDir, 'bad.yaml');
    expect(() => writeSegment(config, bad)).toThrow(ConfigError);
    expect(() => writeSegment(config, bad)).toThrow(`${target}: rules.field: unknown field "town" of a customer`);
    expect(fs.existsSync(config.segmentsDir)).toBe(false);
  });
});
