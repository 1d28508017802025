import { SourceSpecError } from '../../lib/errors';
import { sourceRow, type SourceName } from '../../lib/sources';
import { parentFields } from './child-cursor';
import { placeholderNames } from './request-url';
import type { PaginationSpec, SourceSpec, StreamSpec } from './spec';

/** One thing wrong with a source spec: the stream at fault (none for the source as a whole), what is wrong, what to change. */
export interface SpecProblem {
  stream?: string;
  problem: string;
  fix: string;
}

/** The file a source's spec is declared in, named by the errors that ask for a change to it. */
export function specFile(source: SourceName): string {
  return `activities/sources/${sourceRow(source).folder}/spec.ts`;
}

/** The error for a problem of a source's spec (and how many more it has): non-retryable, naming the source, the stream and the fix. */
export function specError(source: SourceName, p: SpecProblem, more = 0): SourceSpecError {
  return new SourceSpecError(source, p.stream, p.problem, `${p.fix} in ${specFile(source)}${more > 0 ? `; the spec has ${more} more problem(s)` : ''}`);
}

/** What to write where a placeholder is filled by nothing but the connection's path parameters. */
function pathParamsFix(source: string, pathParams: readonly string[]): string {
  return pathParams.length > 0
    ? `use one of the connection's path parameters (${pathParams.join(', ')})`
    : `${source} connections have no path parameters: write the value into the spec`;
}

/** The streams from `stream` up through its parents and back to it, where its parents lead back to it: `[a, b, a]`. */
function parentLoop(source: SourceSpec, stream: StreamSpec): string[] | undefined {
  const byName = (name: string) => source.streams.find((s) => s.name === name);
  const chain = [stream.name];
  for (let s = stream.parent ? byName(stream.parent.stream) : undefined; s; s = s.parent ? byName(s.parent.stream) : undefined) {
    if (s.name === stream.name) return [...chain, s.name];
    // A loop further up, which this stream only leads into, is the problem of the streams on it.
    if (chain.includes(s.name)) return undefined;
    chain.push(s.name);
  }
  return undefined;
}

/**
 * What is wrong with a child stream's parents: a parent that is no stream of the source, or parents
 * that lead back to the stream (which would page forever).
 */
export function parentChainProblem(source: SourceSpec, stream: StreamSpec): SpecProblem | undefined {
  if (!stream.parent) return undefined;
  if (!source.streams.some((s) => s.name === stream.parent!.stream)) {
    return {
      stream: stream.name,
      problem: `parent stream "${stream.parent.stream}" is not a stream of ${source.name}`,
      fix: `set parent.stream to one of ${source.streams.map((s) => s.name).join(', ')}`,
    };
  }
  const loop = parentLoop(source, stream);
  if (!loop) return undefined;
  return { stream: stream.name, problem: `its parent streams form a loop (${loop.join(' -> ')})`, fix: 'let one stream of the loop be read without a parent' };
}

function paginationProblems(p: PaginationSpec, stream: string | undefined): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (p.type !== 'none' && !(Number.isInteger(p.pageSize) && p.pageSize > 0)) {
    problems.push({ stream, problem: `pagination.pageSize ${p.pageSize} is not a positive whole number`, fix: "set it to the API's page size" });
  }
  if (p.type === 'page_number' && !(Number.isInteger(p.firstPage) && p.firstPage >= 0)) {
    problems.push({ stream, problem: `pagination.firstPage ${p.firstPage} is not a page number`, fix: 'set it to the number of the API\'s first page (0 or 1)' });
  }
  return problems;
}

/** Placeholders of `template` that nothing fills, as problems of `stream`. */
function unfilled(template: string, what: string, filled: ReadonlySet<string>, stream: string, fix: string): SpecProblem[] {
  return placeholderNames(template)
    .filter((name) => !filled.has(name))
    .map((name) => ({ stream, problem: `{${name}} in its ${what} "${template}" is filled by nothing`, fix }));
}

/** The problems of one stream that need only the spec to see. */
function streamProblems(source: SourceSpec, stream: StreamSpec, pathParams: readonly string[]): SpecProblem[] {
  const name = stream.name;
  const problems: SpecProblem[] = [];
  const add = (problem: string, fix: string) => problems.push({ stream: name, problem, fix });
  const params = new Set(pathParams);
  const paramsFix = pathParamsFix(source.name, pathParams);

  if (stream.primaryKey.split('+').some((part) => part.trim() === '')) add(`primaryKey "${stream.primaryKey}" names no field`, "set it to the dot path of the record's unique key");
  const incremental = stream.window ? 'a window' : stream.clientWindow ? 'a client window' : stream.report ? 'reports' : undefined;
  if (incremental && stream.cursorField.trim() === '') add(`it is read by ${incremental} but has no cursorField`, "set cursorField to the dot path of the record's time that the window filters on");
  if (stream.window && stream.clientWindow) add('it declares both a window and a clientWindow', 'keep window where the API filters by date, clientWindow where it does not');
  if (stream.window?.maxHistoryDays !== undefined && stream.window.format !== 'graph_time_range') {
    add(`window.maxHistoryDays is set but format is ${stream.window.format}`, 'remove maxHistoryDays: only graph_time_range reads it');
  }
  if (stream.singleRecord && (stream.pagination ?? source.pagination).type !== 'none') add('it answers a single record but pages', "set pagination: { type: 'none' } on the stream");
  if (stream.report && !source.reportApi) add('it is read as reports but the source has no reportApi', 'give the source a reportApi or read the stream as a list');
  if (stream.pagination) problems.push(...paginationProblems(stream.pagination, name));

  const chainProblem = parentChainProblem(source, stream);
  // A loop is told once, by its first stream.
  const loop = parentLoop(source, stream);
  const toldBefore = loop !== undefined && source.streams.findIndex((s) => loop.includes(s.name)) < source.streams.indexOf(stream);
  if (chainProblem && !toldBefore) problems.push(chainProblem);
  const fromParent = stream.parent ? Object.keys(parentFields(stream.parent)) : [];
  if (stream.parent && fromParent.length === 0) add(`parent ${stream.parent.stream} gives no value to read the child by`, 'set parent.idField or parent.pathFields');
  const inPath = new Set(placeholderNames(stream.path));
  for (const field of fromParent) {
    if (!inPath.has(field)) add(`its parent gives {${field}} but its path "${stream.path}" does not use it`, `put {${field}} into the path or drop it from parent`);
  }
  const pathFix = stream.parent ? `name it in parent.pathFields or ${paramsFix}` : paramsFix;
  problems.push(...unfilled(stream.path, 'path', new Set([...params, ...fromParent]), name, pathFix));
  for (const [key, value] of Object.entries(stream.params ?? {})) problems.push(...unfilled(value, `parameter ${key}`, params, name, paramsFix));
  if (stream.keepWhere) problems.push(...unfilled(stream.keepWhere.value, 'keepWhere value', params, name, paramsFix));
  return problems;
}

/**
 * Every problem of a source spec that needs no request to see: streams named twice, parents that
 * are missing or loop, path placeholders nothing fills, windows without a cursor field, paging that
 * cannot page. `pathParams` are the path parameters every connection of the source must set.
 */
export function specProblems(source: SourceSpec, pathParams: readonly string[] = Object.keys(sourceRow(source.name).pathParams)): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const add = (problem: string, fix: string, stream?: string) => problems.push({ stream, problem, fix });
  if (source.streams.length === 0) add('it declares no streams', 'declare at least one stream');
  for (const env of ['live', 'sandbox'] as const) {
    if (!(source.requestsPerSecond[env] > 0)) add(`requestsPerSecond.${env} is ${source.requestsPerSecond[env]}`, "set it to the API's documented limit, less headroom");
  }
  if (!(source.lookbackSeconds >= 0)) add(`lookbackSeconds is ${source.lookbackSeconds}`, 'set it to 0 or more');
  problems.push(...paginationProblems(source.pagination, undefined));
  const params = new Set(pathParams);
  const paramsFix = pathParamsFix(source.name, pathParams);
  if (source.environmentCheck) {
    for (const [what, template] of [['path', source.environmentCheck.path], ['subject', source.environmentCheck.subject]] as const) {
      for (const name of placeholderNames(template).filter((n) => !params.has(n))) add(`{${name}} in environmentCheck.${what} "${template}" is filled by nothing`, paramsFix);
    }
  }
  const seen = new Set<string>();
  for (const stream of source.streams) {
    if (seen.has(stream.name)) add(`two streams are named "${stream.name}"`, 'rename one of them', stream.name);
    seen.add(stream.name);
    problems.push(...streamProblems(source, stream, pathParams));
  }
  return problems;
}

/** Checks every source spec before a worker takes work; a bad one is a `SourceSpecError` naming its first problem. */
export function validateSourceSpecs(sources: readonly SourceSpec[]): void {
  for (const source of sources) {
    const [first, ...rest] = specProblems(source);
    if (!first) continue;
    throw specError(source.name, first, rest.length);
  }
}
