import { useEffect, useState } from 'react';

/* Screens by the URL's hash (#/todo, #/case/<id>, #/new, #/inbox), so Back and a bookmark work. */

export type Route = { name: 'todo' } | { name: 'case'; id: string } | { name: 'new' } | { name: 'inbox' };

export function parseRoute(hash: string): Route {
  const [, screen, id] = hash.replace(/^#/, '').split('/');
  if (screen === 'case' && id) return { name: 'case', id: decodeURIComponent(id) };
  if (screen === 'new') return { name: 'new' };
  if (screen === 'inbox') return { name: 'inbox' };
  return { name: 'todo' };
}

export function href(route: Route): string {
  return route.name === 'case' ? `#/case/${encodeURIComponent(route.id)}` : `#/${route.name}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
