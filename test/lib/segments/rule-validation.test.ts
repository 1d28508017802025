import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRulesFlag } from '../../../cli/commands/segment';
import { ConfigError } from '../../../lib/errors';
import { compileSegment } from '../../../lib/segments/compile';
import { DefinitionError, validateDefinition } from '../../../lib/segments/definition';
import { readSegmentFile } from '../../../lib/segments/files';

// Rules arrive from files, the command line and web requests. Names every object inherits must
// not pass for fields or record kinds, nesting past the documented 64 levels is refused with the
// rule's path before anything recurses through it, and blank text is no value.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-rule-validation-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LIMIT_MESSAGE = 'rules nest deeper than 64 levels';
const CONDITION = { field: 'email', op: 'is_empty' };

/** The problems of a refused definition, as `path: message` lines without the file. */
function problems(run: () => unknown, where = 'test.yaml'): string[] {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error, 'refused').toBeInstanceOf(ConfigError);
  expect((error as Error).message).not.toMatch(/call stack/i);
  return (error as Error).message.split('\n').slice(1).map((l) => l.replace(`${where}: `, ''));
}
const ruleProblems = (rules: unknown) => problems(() => validateDefinition({ name: 'x', rules }, 'test.yaml'));

/** `{all: [{all: [... CONDITION]}]}` with `groups` groups, so the condition sits at depth groups + 1. */
function nestedAll(groups: number): unknown {
  let rule: unknown = CONDITION;
  for (let i = 0; i < groups; i++) rule = { all: [rule] };
  return rule;
}
const allPath = (groups: number) => `rules${'.all[0]'.repeat(groups)}`;

function writeFile(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('names every object inherits are no fields, record kinds or rule keys', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('has: %s is an unknown record kind', (name) => {
    expect(ruleProblems({ has: name })).toEqual([`rules.has: unknown record kind "${name}"; choose one of: tag, order, purchase, subscription, discount, profile_attribute`]);
  });

  it.each(['constructor', 'toString', '__proto__'])('field: %s is an unknown field, of a customer and of an order', (name) => {
    expect(ruleProblems({ field: name, op: 'equals', value: 'x' })[0]).toMatch(new RegExp(`^rules\\.field: unknown field "${name}" of a customer; choose one of: name, `));
    expect(ruleProblems({ has: 'order', where: { field: name, op: 'equals', value: 'x' } })[0]).toMatch(new RegExp(`^rules\\.where\\.field: unknown field "${name}" of an order; choose one of: status, `));
  });

  it.each(['constructor', 'toString', '__proto__'])('op: %s is an unknown operator', (op) => {
    expect(ruleProblems({ field: 'email', op, value: 'x' })[0]).toMatch(new RegExp(`^rules\\.op: unknown operator "${op}" for email \\(text\\); choose one of: equals, `));
  });

  it('a JSON body with a __proto__ key holds no rule, and the rule it hides is not read', () => {
    const body = JSON.parse('{"name":"x","rules":{"__proto__":{"field":"email","op":"is_empty"}}}');
    expect(problems(() => validateDefinition(body, 'test.yaml'))).toEqual(['rules: a rule needs one of: all, any, not, field, has (got __proto__)']);
  });

  it('a YAML file with a __proto__ key is refused the same way', () => {
    const file = writeFile('proto.yaml', 'rules:\n  __proto__:\n    field: email\n    op: is_empty\n');
    expect(problems(() => readSegmentFile(file), file)).toEqual(['rules: a rule needs one of: all, any, not, field, has (got __proto__)']);
  });
});

describe('nesting is limited to 64 levels', () => {
  it('64 levels are valid and compile', () => {
    const definition = validateDefinition({ name: 'x', rules: nestedAll(63) }, 'test.yaml');
    expect(compileSegment(definition, { now: new Date('2026-01-01T00:00:00Z'), timezone: 'UTC' }).sql).toContain('email');
  });

  it('65 levels are refused at the path of the rule past the limit', () => {
    expect(ruleProblems(nestedAll(64))).toEqual([`${allPath(64)}: ${LIMIT_MESSAGE} (all, any, not and a has rule's where each count one); flatten them, e.g. by merging a group into its parent group of the same kind`]);
  });

  it('not, any and a has rule\'s where count as levels too', () => {
    let rule: unknown = { has: 'order', where: { not: nestedAll(60) } };
    rule = { any: [{ not: rule }] };
    // any (1), not (2), has (3), where: not (4), then 60 groups (5..64) and the condition at 65.
    expect(ruleProblems(rule)).toEqual([expect.stringMatching(new RegExp(`^rules\\.any\\[0\\]\\.not\\.where\\.not${'\\.all\\[0\\]'.repeat(60)}: ${LIMIT_MESSAGE}`))]);
  });

  it('550 levels parsed from a JSON body are refused with the limit, not a stack overflow', () => {
    const body = JSON.parse(`{"name":"x","rules":${'{"all":['.repeat(550)}{"field":"email","op":"is_empty"}${']}'.repeat(550)}}`);
    expect(problems(() => validateDefinition(body, 'test.yaml'))).toEqual([expect.stringMatching(new RegExp(`^${allPath(64).replace(/[.[\]]/g, '\\$&')}: ${LIMIT_MESSAGE}`))]);
  });

  it('550 levels in a segment file, as JSON or as block YAML, are refused before parsing', () => {
    const flow = writeFile('flow.yaml', `{"rules":${'{"all":['.repeat(550)}{"field":"email","op":"is_empty"}${']}'.repeat(550)}}`);
    expect(problems(() => readSegmentFile(flow), flow)).toEqual([expect.stringMatching(new RegExp(`^rules: ${LIMIT_MESSAGE}`))]);
    // Written by hand: the YAML library's own stringify does not go this deep either.
    let text = 'rules:\n  all:\n';
    for (let level = 1; level < 550; level++) text += `${' '.repeat(4 * level)}- all:\n`;
    const block = writeFile('block.yaml', `${text}${' '.repeat(4 * 550)}- {field: email, op: is_empty}\n`);
    expect(problems(() => readSegmentFile(block), block)).toEqual([expect.stringMatching(new RegExp(`^rules: ${LIMIT_MESSAGE}`))]);
  });

  it('550 levels given to --rules are refused before parsing', () => {
    const text = `${'{all: ['.repeat(550)}{field: email, op: is_empty}${']}'.repeat(550)}`;
    expect(problems(() => parseRulesFlag(text), '--rules')).toEqual([expect.stringMatching(new RegExp(`^rules: ${LIMIT_MESSAGE}`))]);
  });

  it('a file at the limit, indented four spaces a level and with comments, still reads', () => {
    const text = stringify({ description: "O'Brien's [list] {of} people", rules: nestedAll(63) }, { indent: 4 }).replace(/all:$/gm, 'all: # a [group] {here}');
    expect(text.match(/# a \[group\]/g)).toHaveLength(63);
    const file = writeFile('x.yaml', text);
    expect(readSegmentFile(file).definition.name).toBe('x');
  });
});

describe('blank text is no value', () => {
  it.each([
    ['a space', ' '],
    ['spaces', '   '],
    ['a tab', '\t'],
    ['a line break', '\n'],
    ['a carriage return and line feed', '\r\n'],
    ['a no-break space', '\u00a0'],
    ['an em space', '\u2003'],
    ['an ideographic space', '\u3000'],
    ['a line separator', '\u2028'],
    ['a zero-width space', '\u200b'],
    ['a byte order mark', '\ufeff'],
    ['a mix', ' \t\u00a0\u200b\n'],
  ])('%s is refused for equals, contains and in', (_, blank) => {
    const message = 'expected text, got only white space, which counts as empty; use is_empty or is_not_empty to test for a blank field';
    expect(ruleProblems({ all: [{ field: 'first_name', op: 'equals', value: blank }, { field: 'city', op: 'contains', value: blank }, { field: 'zip', op: 'in', value: ['10001', blank] }] })).toEqual([
      `rules.all[0].value: ${message}`,
      `rules.all[1].value: ${message}`,
      `rules.all[2].value[1]: ${message}`,
    ]);
  });

  it('text with something besides white space is kept as written', () => {
    const definition = validateDefinition({ name: 'x', rules: { field: 'first_name', op: 'equals', value: ' Ann\u00a0' } }, 'test.yaml');
    expect(definition.rules).toEqual({ field: 'first_name', op: 'equals', value: ' Ann\u00a0' });
  });

  it('the refusal is a DefinitionError with the problems as data', () => {
    let error: unknown;
    try {
      validateDefinition({ name: 'x', rules: { field: 'email', op: 'equals', value: '\u3000' } }, 'test.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toEqual([{ path: 'rules.value', message: expect.stringContaining('only white space') }]);
  });
});
