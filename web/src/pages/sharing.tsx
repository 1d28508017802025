import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type Grant, type GrantList, type GrantRequest, type GrantResult } from '../api';
import { formatTime } from '../format';
import { levelsText, PermissionFields, untilIso, type PermissionChoice } from './permission-fields';

// Share with an email (read, edit, delete each; an optional expiry), and "Manage permissions":
// who has what until when, with revoke. Only the owner sees this panel.

export function SharingPanel({ name }: { name: string }) {
  const [grants, setGrants] = useState<Grant[]>([]);
  const [email, setEmail] = useState('');
  const [choice, setChoice] = useState<PermissionChoice>({ edit: false, delete: false, until: '' });
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
      const grant: GrantRequest = { email, read: true, edit: choice.edit, delete: choice.delete, expiresAt: untilIso(choice.until) };
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
        <PermissionFields prefix="share" readNote=" (members, history, exports)" value={choice} onChange={setChoice} />
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
                <td>{levelsText(g)}</td>
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
