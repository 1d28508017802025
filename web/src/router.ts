import { useEffect, useState } from 'preact/hooks';

// Pages are addressed by the URL's fragment (#/segments/vip/members), so the server serves one page
// and an invitation token in a link never reaches a server log.

export type Route =
  | { page: 'segments' }
  | { page: 'new-segment' }
  | { page: 'segment'; name: string; tab: 'members' | 'history' | 'rules' | 'sharing' }
  | { page: 'edit-segment'; name: string }
  | { page: 'connections' }
  | { page: 'attribution' }
  | { page: 'access' }
  | { page: 'invite'; token: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'invite' && parts[1]) return { page: 'invite', token: parts[1] };
  if (parts[0] === 'connections') return { page: 'connections' };
  if (parts[0] === 'attribution') return { page: 'attribution' };
  if (parts[0] === 'access') return { page: 'access' };
  if (parts[0] === 'segments' && parts[1] === 'new') return { page: 'new-segment' };
  if (parts[0] === 'segments' && parts[1] && parts[2] === 'edit') return { page: 'edit-segment', name: parts[1] };
  if (parts[0] === 'segments' && parts[1]) {
    const tab = parts[2] === 'history' || parts[2] === 'rules' || parts[2] === 'sharing' ? parts[2] : 'members';
    return { page: 'segment', name: parts[1], tab };
  }
  return { page: 'segments' };
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

export function navigate(to: string): void {
  window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
