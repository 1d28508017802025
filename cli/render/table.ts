import Table from 'cli-table3';

// No rule between rows: results stay readable at a glance.
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** A terminal table with the given header, without colours or rules between rows. */
export function compactTable(head: string[]): InstanceType<typeof Table> {
  return new Table({ head, style: { head: [], border: [] }, chars: COMPACT });
}
