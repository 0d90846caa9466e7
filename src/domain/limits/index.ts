/*
 * Every limit per client address and per account, in one place:
 *
 * - address.ts        the key every per-address limit counts under (an IPv6 /64 is one address),
 *                     and which proxies may name the address (TRUST_PROXY);
 * - login-throttle.ts wrong passwords per phone (doubling back-off, lockout) and per address;
 * - rate-window.ts    fixed windows kept in PostgreSQL: new chat contacts per address per hour
 *                     (chat messages per contact per minute ride on the session row instead);
 * - upload-budget.ts  photo bodies in flight, per address and in all;
 * - fair-share.ts     requests and database statements per client, heavy requests, the server's cap;
 * - gate.ts           the in-memory keyed semaphore with a bounded queue under the last two.
 *
 * Why not rate-limiter-flexible (which the project once declared): what must hold across API
 * instances is counted in PostgreSQL inside the statement or transaction of the work itself — the
 * login counter is taken in the same atomic upsert that decides whether the password is even
 * checked, and a chat message's rate, dedupe and answer share one transaction — which the
 * library's stores, being separate round trips, cannot do. What is per process is not a rate but
 * concurrency (requests, statements and bytes in flight, with a queue), which the library does not
 * model. So it was removed rather than wrapped around.
 */
export { addressKey, parseTrustProxy } from './address';
export { DEFAULT_FAIR_SHARE, deadlineExceeded, FairShare, Lane, ServerBusy, type FairShareLimits } from './fair-share';
export { Gate, GateClosed, type Release } from './gate';
export { UploadBudget } from './upload-budget';
