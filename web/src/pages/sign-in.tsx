import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type InvitationInfo, type SessionInfo } from '../api';

// Signing in, and the page an invitation link opens, which creates the invited account.

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      onSignedIn(await api<SessionInfo>('POST', '/api/session', { email, password }));
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h1>Sign in to cdp</h1>
      <label>
        Email
        <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Password
        <input type="password" name="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" name="sign-in">
        Sign in
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="muted small">No account? An admin adds one with `cdp user add &lt;email&gt;`, or a segment owner shares a segment with you.</p>
    </form>
  );
}

export function AcceptInvitation({ token, onSignedIn }: { token: string; onSignedIn: (s: SessionInfo) => void }) {
  const [invitation, setInvitation] = useState<InvitationInfo | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    get<InvitationInfo>(`/api/invitations/${encodeURIComponent(token)}`).then(setInvitation, (e: Error) => setError(e.message));
  }, [token]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== again) return setError('the two passwords differ');
    setError('');
    try {
      onSignedIn(await api<SessionInfo>('POST', `/api/invitations/${encodeURIComponent(token)}`, { name, password }));
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  if (!invitation) return <div class="card">{error ? <p class="error">{error}</p> : 'Loading…'}</div>;
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h1>Create your cdp account</h1>
      <p>
        You were invited as <b id="invited-email">{invitation.email}</b>.
      </p>
      <label>
        Your name
        <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Password (10 characters or more)
        <input type="password" name="new-password" autocomplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <label>
        Password again
        <input type="password" name="new-password-again" autocomplete="new-password" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" name="create-account">
        Create account
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
