// Pure helpers shared by activities and workflow code (no I/O, safe in the workflow bundle).

/** Where a stream position's state is kept: the stream's own key, or one per slice of a sliced sync. */
export function stateKey(p: { stream: string; slice?: { index: number } }): string {
  return p.slice ? `${p.stream}~${p.slice.index}` : p.stream;
}
