// How deep rules may nest. Validation, compilation and the YAML parser all recurse once per level,
// so a definition hundreds of levels deep would exhaust the stack ("Maximum call stack size
// exceeded") instead of being refused; no real audience needs more than a handful of levels.

/** The deepest rules may nest: `all`, `any`, `not` and a `has` rule's `where` each count one level. */
export const MAX_RULE_DEPTH = 64;

/**
 * How deep a YAML or JSON text may nest before it is parsed: rules at MAX_RULE_DEPTH take at most
 * two collections per level (`{all: [...]}`) plus the document's own, and the parser handles
 * several times this without trouble.
 */
export const MAX_TEXT_DEPTH = 4 * MAX_RULE_DEPTH;

/** What to tell a person whose rules nest too deep. */
export const TOO_DEEP = `rules nest deeper than ${MAX_RULE_DEPTH} levels (all, any, not and a has rule's where each count one); flatten them, e.g. by merging a group into its parent group of the same kind`;

/**
 * An upper bound on how deep a YAML or JSON text nests, without parsing it: open flow brackets
 * (outside quoted scalars, which start only where a token can, and comments) plus the block indentation levels open on the line and its
 * leading `- ` entries. It may overcount (a bracket inside a plain scalar), never undercount
 * collections, which is what a guard before the parser needs.
 */
export function textNestingBound(text: string): number {
  let deepest = 0;
  let flow = 0;
  const indents: number[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const indent = line.length - line.trimStart().length;
    if (flow === 0 && line.trim() !== '' && !line.trimStart().startsWith('#')) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    const entries = /^(?:[-?]\s+)*/.exec(line.trimStart())![0].replace(/\s/g, '').length;
    let quote: string | null = null;
    for (let i = indent; i < line.length; i++) {
      const ch = line[i]!;
      if (quote) {
        if (ch === '\\' && quote === '"') i++;
        else if (ch === quote) quote = null;
      } else if ((ch === '"' || ch === "'") && (i === indent || /[\s[{,:]/.test(line[i - 1]!))) quote = ch;
      else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
      else if (ch === '[' || ch === '{') deepest = Math.max(deepest, indents.length + entries + ++flow);
      else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
    }
    deepest = Math.max(deepest, indents.length + entries + flow);
  }
  return deepest;
}
