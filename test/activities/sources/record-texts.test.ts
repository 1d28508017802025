import { describe, expect, it } from 'vitest';
import { arrayElementTexts } from '../../../activities/sources/record-texts';

// The truth is the document's own text: each element's text is written out literally below, and
// JSON.parse of the whole document says what each element must parse to.
const elements = [
  '{"id":"a", "percent_off": 5.0, "n": 1e2}',
  '{ "s": "brackets ] } [ { and a \\"quote\\" \\\\", "u": "\\u00e9\\n" }',
  '[1.50, {"z": null}, "]"]',
  '"just a string"',
  '-0.0',
  'true',
  'null',
  '{}',
  '[]',
];

describe('cutting a records array out of an answer', () => {
  it('gives every element its text exactly as written, whitespace, escapes and decimals kept', () => {
    const text = `{"object": "list",\n  "data": [\n    ${elements.join(' ,\n\t')}\r\n  ],\n  "has_more": false}`;
    const texts = arrayElementTexts(text, 'data');
    expect(texts).toEqual(elements);
    expect(texts!.map((t) => JSON.parse(t) as unknown)).toEqual((JSON.parse(text) as { data: unknown[] }).data);
  });

  it('follows a dot path, skipping members before and after, and takes the last of a repeated key as JSON.parse does', () => {
    const text = '{"payload": {"Orders": [{"a": 1}], "x": {"Orders": [9]}, "Orders": [ {"b": 2.0} , {"c": "3"} ]}, "next": "t"}';
    expect(arrayElementTexts(text, 'payload.Orders')).toEqual(['{"b": 2.0}', '{"c": "3"}']);
  });

  it('reads a document that is the array itself, and an empty array', () => {
    expect(arrayElementTexts(' [ {"a": 1.0}, {"b": [ ]} ] ', '')).toEqual(['{"a": 1.0}', '{"b": [ ]}']);
    expect(arrayElementTexts('{"data": [ ]}', 'data')).toEqual([]);
  });

  it('finds nothing where the path holds no array or the text is not the JSON expected', () => {
    expect(arrayElementTexts('{"data": {"a": 1}}', 'data')).toBeUndefined();
    expect(arrayElementTexts('{"other": []}', 'data')).toBeUndefined();
    expect(arrayElementTexts('{}', 'data')).toBeUndefined();
    expect(arrayElementTexts('{"data": [{"a": "unterminated}]}', 'data')).toBeUndefined();
    expect(arrayElementTexts('{"data": [1 2]}', 'data')).toBeUndefined();
    expect(arrayElementTexts('', 'data')).toBeUndefined();
  });
});
