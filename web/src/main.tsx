import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, setCsrfToken, whenSignedOut, type SessionInfo } from './api';
import { AccessPage } from './pages/access';
import { AttributionPage } from './pages/attribution';
import { ConnectionsPage } from './pages/connections';
import { SegmentEditor } from './pages/segment-editor';
import { SegmentPage } from './pages/segment-page';
import { SegmentsList } from './pages/segments-list';
import { AcceptInvitation, SignIn } from './pages/sign-in';
import { href, navigate, useRoute, type Route } from './router';

// The app shell: who is signed in, the navigation, and the page the URL's fragment names.

function Page({ route, session }: { route: Route; session: SessionInfo }) {
  switch (route.page) {
    case 'segments':
      return <SegmentsList isAdmin={session.user.isAdmin} />;
    case 'new-segment':
      return <SegmentEditor />;
    case 'edit-segment':
      return <SegmentEditor name={route.name} key={route.name} />;
    case 'segment':
      return <SegmentPage name={route.name} tab={route.tab} key={route.name} />;
    case 'connections':
      return <ConnectionsPage />;
    case 'attribution':
      return <AttributionPage />;
    case 'access':
      return session.user.isAdmin ? <AccessPage /> : <p>Access is managed by the admins.</p>;
    case 'invite':
      return <p>You are signed in as {session.user.email}; sign out to use an invitation for someone else.</p>;
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const signedIn = (s: SessionInfo) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
    if (route.page === 'invite') navigate(href('segments'));
  };
  useEffect(() => {
    whenSignedOut(() => setSession(null));
    get<SessionInfo>('/api/session').then(signedIn, (e: ApiError) => setSession(e.status === 401 ? null : undefined));
  }, []);
  if (session === undefined) return <p class="card">Loading…</p>;
  if (session === null) return route.page === 'invite' ? <AcceptInvitation token={route.token} onSignedIn={signedIn} /> : <SignIn onSignedIn={signedIn} />;
  const signOut = async () => {
    await api('DELETE', '/api/session').catch(() => {});
    setSession(null);
  };
  const section = route.page === 'connections' || route.page === 'attribution' || route.page === 'access' ? route.page : 'segments';
  return (
    <>
      <header class="top">
        <a class="brand" href={href('segments')}>
          cdp
        </a>
        <nav>
          <a href={href('segments')} class={section === 'segments' ? 'active' : ''}>
            Segments
          </a>
          <a href={href('attribution')} class={section === 'attribution' ? 'active' : ''}>
            Attribution
          </a>
          <a href={href('connections')} class={section === 'connections' ? 'active' : ''}>
            Connections
          </a>
          {session.user.isAdmin && (
            <a href={href('access')} class={section === 'access' ? 'active' : ''}>
              Access
            </a>
          )}
        </nav>
        <span class="who" id="signed-in-as">
          {session.user.email}
          {session.user.isAdmin ? ' (admin)' : ''}
        </span>
        <button type="button" name="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} session={session} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
