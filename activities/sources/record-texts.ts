// A record lands as the source wrote it: its own JSON text, cut from the answer, not the text
// JavaScript would write for the parsed value (which turns `5.0` into `5`, `1e2` into `100` and
// `"\u00e9"` into `"é"`). This scanner finds where each element of the records array starts and ends
// in the answer's text; it reads only the structure (strings, with their escapes, and brackets)
// and leaves validating the JSON to `JSON.parse`, which has read the same text first.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Not the JSON the scanner expected: the caller falls back to the parsed records. */
class Unexpected extends Error {}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // Space, tab, line feed, carriage return.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i += 1;
    else return i;
  }
}

/** The index just past the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  let at = i + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) throw new Unexpected();
    // The quote ends the string unless an odd run of backslashes escapes it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** The index just past the value that starts at `i` (no leading space). */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (Number.isNaN(d) || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) break;
      j += 1;
    }
    if (j === i) throw new Unexpected();
    return j;
  }
  // An object or array: count brackets, stepping over strings whole (they may hold brackets).
  let depth = 0;
  let j = i;
  for (;;) {
    const d = text.charCodeAt(j);
    if (Number.isNaN(d)) throw new Unexpected();
    if (d === QUOTE) {
      j = skipString(text, j);
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth += 1;
    else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return j + 1;
    j += 1;
  }
}

/** The element texts found at the end of a path, and where the value read ends. */
interface Found {
  texts: string[] | undefined;
  end: number;
}

/** The texts of the elements of the array at `i`; undefined texts where the value there is no array. */
function elementTexts(text: string, i: number): Found {
  if (text.charCodeAt(i) !== OPEN_BRACKET) return { texts: undefined, end: skipValue(text, i) };
  const texts: string[] = [];
  let j = skipSpace(text, i + 1);
  if (text.charCodeAt(j) === CLOSE_BRACKET) return { texts, end: j + 1 };
  for (;;) {
    const end = skipValue(text, j);
    texts.push(text.slice(j, end));
    j = skipSpace(text, end);
    const c = text.charCodeAt(j);
    if (c === CLOSE_BRACKET) return { texts, end: j + 1 };
    if (c !== COMMA) throw new Unexpected();
    j = skipSpace(text, j + 1);
  }
}

/**
 * Follows `keys` down from the value at `i`, reading each value on the way once: the element texts
 * of the array at their end, from the last member of a key that repeats, as `JSON.parse` takes it.
 */
function textsAt(text: string, i: number, keys: readonly string[]): Found {
  if (keys.length === 0) return elementTexts(text, i);
  if (text.charCodeAt(i) !== OPEN_BRACE) return { texts: undefined, end: skipValue(text, i) };
  const [key, ...rest] = keys as [string, ...string[]];
  let texts: string[] | undefined;
  let j = skipSpace(text, i + 1);
  if (text.charCodeAt(j) === CLOSE_BRACE) return { texts, end: j + 1 };
  for (;;) {
    if (text.charCodeAt(j) !== QUOTE) throw new Unexpected();
    const keyEnd = skipString(text, j);
    // A key written with escapes is not matched: the records are then taken from the parsed answer.
    const matches = keyEnd - j - 2 === key.length && text.startsWith(key, j + 1);
    j = skipSpace(text, keyEnd);
    if (text.charCodeAt(j) !== COLON) throw new Unexpected();
    j = skipSpace(text, j + 1);
    if (matches) {
      const found = textsAt(text, j, rest);
      texts = found.texts;
      j = found.end;
    } else j = skipValue(text, j);
    j = skipSpace(text, j);
    const c = text.charCodeAt(j);
    if (c === CLOSE_BRACE) return { texts, end: j + 1 };
    if (c !== COMMA) throw new Unexpected();
    j = skipSpace(text, j + 1);
  }
}

/**
 * The JSON text of each element of the array at `dotPath` (`data`, `payload.Orders`; `''` for a
 * document that is the array) in the JSON document `text`, each exactly as written there.
 * Undefined when there is no array at that path, or the text is not the JSON expected.
 */
export function arrayElementTexts(text: string, dotPath: string): string[] | undefined {
  try {
    return textsAt(text, skipSpace(text, 0), dotPath === '' ? [] : dotPath.split('.')).texts;
  } catch (err) {
    if (err instanceof Unexpected) return undefined;
    throw err;
  }
}
