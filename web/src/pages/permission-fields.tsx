// The part of a sharing or access form that says what the person may do and until when: read
// always, edit and delete each chosen, an optional end in the browser's local time.

export interface PermissionChoice {
  edit: boolean;
  delete: boolean;
  /** A `datetime-local` value, or '' for no end. */
  until: string;
}

export function PermissionFields({ prefix, readNote, value, onChange }: { prefix: string; readNote: string; value: PermissionChoice; onChange: (next: PermissionChoice) => void }) {
  return (
    <>
      <fieldset>
        <legend>May</legend>
        <label>
          <input type="checkbox" name={`${prefix}-read`} checked disabled /> read{readNote}
        </label>
        <label>
          <input type="checkbox" name={`${prefix}-edit`} checked={value.edit} onChange={(e) => onChange({ ...value, edit: e.currentTarget.checked })} /> edit
        </label>
        <label>
          <input type="checkbox" name={`${prefix}-delete`} checked={value.delete} onChange={(e) => onChange({ ...value, delete: e.currentTarget.checked })} /> delete
        </label>
      </fieldset>
      <label>
        Until (optional)
        <input type="datetime-local" name={`${prefix}-expires`} step="1" value={value.until} onInput={(e) => onChange({ ...value, until: e.currentTarget.value })} />
      </label>
    </>
  );
}

/** The instant a `datetime-local` value names (the browser's local time), or null for none. */
export const untilIso = (until: string): string | null => (until ? new Date(until).toISOString() : null);

/** What a grant allows, as a list: "read, edit". */
export const levelsText = (g: { edit: boolean; delete: boolean }): string => ['read', ...(g.edit ? ['edit'] : []), ...(g.delete ? ['delete'] : [])].join(', ');
