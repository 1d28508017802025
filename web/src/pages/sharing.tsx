import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type Grant, type GrantList, type GrantRequest, type GrantResult } from '../api';
import { formatTime } from '../format';

// Share with an email (read, edit, delete each; an optional expiry), and "Manage permissions":
// who has what until when, with revoke. Only the owner sees this panel.

export function SharingPanel({ name }: { name: string }) {
  const [grants, setGrants] = useState<Grant[]>([]);
  const [email, setEmail] = useState('');
  const [edit, setEdit] = useState(false);
  const [del, setDel] = useState(false);
  const [expires, setExpires] = useState('');
  const [result, setResult] = useState<GrantResult | null>(null);
  const [error, setError] = useState('');
  const base = `/api/segments/${encodeURIComponent(name)}/grants`;
  const load = () => get<GrantList>(base).then((r) => setGrants(r.grants), (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, [name]);

  const share = async (e: Event) => {
    e.preventDefault();
    setError('');
    setResult(null);
    try {
      // The picker's time is the browser's local time; the server keeps the instant.
      const expiresAt = expires ? new Date(expires).toISOString() : null;
      const grant: GrantRequest = { email, read: true, edit, delete: del, expiresAt };
      setResult(await api<GrantResult>('POST', base, grant));
      setEmail('');
      await load();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  const revoke = async (grantee: string) => {
    setError('');
    try {
      await api('DELETE', `${base}/${encodeURIComponent(grantee)}`);
      await load();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  return (
    <div class="sharing">
      <form class="share-form" onSubmit={share}>
        <h3>Share</h3>
        <label>
          Email
          <input type="email" name="share-email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>May</legend>
          <label>
            <input type="checkbox" name="perm-read" checked disabled /> read (members, history, exports)
          </label>
          <label>
            <input type="checkbox" name="perm-edit" checked={edit} onChange={(e) => setEdit(e.currentTarget.checked)} /> edit
          </label>
          <label>
            <input type="checkbox" name="perm-delete" checked={del} onChange={(e) => setDel(e.currentTarget.checked)} /> delete
          </label>
        </fieldset>
        <label>
          Until (optional)
          <input type="datetime-local" name="share-expires" step="1" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" name="share">
          Share
        </button>
      </form>
      {result && (
        <div class="notice" role="status" id="share-result">
          {result.invitation ? (
            <>
              {result.email} has no account yet. Send them this invitation link, which creates it:
              <input class="invitation-link" readOnly value={result.invitation} onFocus={(e) => e.currentTarget.select()} />
            </>
          ) : (
            <>{result.note ?? `${result.email} has access now.`}</>
          )}
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h3>Manage permissions</h3>
      {grants.length === 0 ? (
        <p class="muted">Not shared with anyone.</p>
      ) : (
        <table class="grants-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>May</th>
              <th>Until</th>
              <th>Account</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.email} data-grantee={g.email} class={g.expired ? 'expired' : ''}>
                <td>{g.email}</td>
                <td>{['read', ...(g.edit ? ['edit'] : []), ...(g.delete ? ['delete'] : [])].join(', ')}</td>
                <td>{g.expiresAt ? `${formatTime(g.expiresAt)}${g.expired ? ' (expired)' : ''}` : 'no expiry'}</td>
                <td>{g.hasAccount ? 'yes' : 'invited'}</td>
                <td>
                  <button type="button" name="revoke" onClick={() => revoke(g.email)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
