/*
 * The officer's session: the token of GraphQL's login kept in this browser's localStorage (never a
 * cookie, so a request from another site carries none), and why the last session ended. A
 * supervisor who opens a case from the command centre arrives in the same tab with the command
 * centre's login (its token lives in that tab's sessionStorage): it is taken as it is.
 */

const TOKEN_KEY = 'sanling.workbench.token';
/** Where the command centre (/) keeps its token, for this tab only. */
const DASHBOARD_TOKEN_KEY = 'sanling-token';
const NOTICE_KEY = 'sanling.workbench.notice';

type Listener = () => void;
const listeners = new Set<Listener>();

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY) ?? sessionStorage.getItem(DASHBOARD_TOKEN_KEY);
}

export function signIn(value: string): void {
  localStorage.setItem(TOKEN_KEY, value);
  sessionStorage.removeItem(NOTICE_KEY);
  listeners.forEach((l) => l());
}

/** Ends the session; `notice` is shown on the login screen (why the officer has to log in again). */
export function signOut(notice?: string): void {
  localStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(DASHBOARD_TOKEN_KEY);
  if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
  else sessionStorage.removeItem(NOTICE_KEY);
  listeners.forEach((l) => l());
}

export function notice(): string | null {
  return sessionStorage.getItem(NOTICE_KEY);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
