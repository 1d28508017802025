import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type AccessGrantRequest, type AccessOverview } from '../api';
import { formatTime } from '../format';
import { levelsText, PermissionFields, untilIso, type PermissionChoice } from './permission-fields';

// The admins' page of who may see which customers: each member's access to an environment (every
// customer, segment and report of it) or a connection (its status and buttons), with read, edit
// and delete and an optional expiry.

export function AccessPage() {
  const [overview, setOverview] = useState<AccessOverview | null>(null);
  const [email, setEmail] = useState('');
  const [scope, setScope] = useState('environment:live');
  const [choice, setChoice] = useState<PermissionChoice>({ edit: false, delete: false, until: '' });
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const load = () => get<AccessOverview>('/api/access').then(setOverview, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);

  const grant = async (e: Event) => {
    e.preventDefault();
    setError('');
    setNotice('');
    const [kind, name] = scope.split(':') as ['environment' | 'connection', string];
    const body: AccessGrantRequest = {
      email,
      ...(kind === 'environment' ? { environment: name as 'live' | 'sandbox' } : { connection: name }),
      edit: choice.edit,
      delete: choice.delete,
      expiresAt: untilIso(choice.until),
    };
    try {
      setNotice((await api<{ message: string }>('POST', '/api/access', body)).message);
      await load();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  const revoke = async (grantee: string, kind: string, name: string) => {
    setError('');
    try {
      setNotice((await api<{ message: string }>('DELETE', `/api/access/${encodeURIComponent(grantee)}/${kind}/${encodeURIComponent(name)}`)).message);
      await load();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  if (!overview) return error ? <p class="error">{error}</p> : <p>Loading…</p>;
  const members = overview.users.filter((u) => !u.isAdmin);
  return (
    <section class="access">
      <h1>Access</h1>
      <p class="muted">Admins see everything. A member sees the customers of the environments and connections granted here, and the segments shared with them.</p>
      <form class="share-form" onSubmit={grant}>
        <label>
          Member
          <select name="access-email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)}>
            <option value="">choose…</option>
            {members.map((u) => (
              <option key={u.email} value={u.email}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          To
          <select name="access-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            {overview.environments.map((env) => (
              <option key={env} value={`environment:${env}`}>
                the {env} environment
              </option>
            ))}
            {overview.connections.map((c) => (
              <option key={c.id} value={`connection:${c.id}`}>
                connection {c.id} ({c.source}, {c.environment})
              </option>
            ))}
          </select>
        </label>
        <PermissionFields prefix="access" readNote="" value={choice} onChange={setChoice} />
        <button type="submit" class="primary" name="grant-access">
          Grant
        </button>
      </form>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="grants-table">
        <thead>
          <tr>
            <th>Member</th>
            <th>Access to</th>
            <th>May</th>
            <th>Until</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {overview.grants.map((g) => (
            <tr key={`${g.email}:${g.scope.kind}:${g.scope.name}`} data-grantee={g.email} class={g.expired ? 'expired' : ''}>
              <td>{g.email}</td>
              <td>
                {g.scope.kind} {g.scope.name}
              </td>
              <td>{levelsText(g)}</td>
              <td>{g.expiresAt ? `${formatTime(g.expiresAt)}${g.expired ? ' (expired)' : ''}` : 'no expiry'}</td>
              <td>
                <button type="button" name="revoke-access" onClick={() => revoke(g.email, g.scope.kind, g.scope.name)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {members.length === 0 && <p class="muted">No members yet: add accounts with `cdp user add`.</p>}
    </section>
  );
}
