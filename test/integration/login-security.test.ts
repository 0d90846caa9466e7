import { createOfficer } from '../../src/domain/registry/officer.service';
import { OfficerRole } from '../../src/entities';
import { useWorldApp } from '../support/app';
import { toGlobalId } from '../../src/graphql/relay';
import { OFFICERS, PASSWORD } from '../support/fixture';
import { ADMIN, runScript } from '../support/server-process';

/* Login throttling, lockout, the audit log and the password policy, over real HTTP on real PostgreSQL. */

const clock = { t: Date.parse('2026-11-30T02:00:00Z'), now: () => new Date(clock.t) };
const advance = (seconds: number) => (clock.t += seconds * 1000);
// Behind a proxy on loopback (TRUST_PROXY), so the tests can speak from any address.
const ctx = useWorldApp(clock, { TRUST_PROXY: '127.0.0.1' });

const LOGIN = 'mutation($i: LoginInput!) { login(input: $i) { token officer { name } } }';

/** A login from the given client address (X-Forwarded-For from the trusted proxy). */
async function login(phone: string, password: string, address: string) {
  const res = await fetch(`${ctx.app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query: LOGIN, variables: { i: { phone, password } } }),
  });
  const body = (await res.json()) as { data?: { login: { token: string } } | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
  const error = body.errors?.[0];
  return {
    ok: Boolean(body.data?.login),
    code: error?.extensions.code,
    retryAfter: error?.extensions.retryAfter,
    locked: error?.extensions.locked,
    message: error?.message,
    token: body.data?.login?.token,
  };
}

async function outcomes(phone: string): Promise<Record<string, number>> {
  const rows = await ctx.db.orm.em
    .fork()
    .execute<{ outcome: string; n: string }[]>('select outcome, count(*) n from login_attempts where phone = ? group by outcome', [phone]);
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}

/** Wrong passwords, waiting out each back-off on the test clock, until the phone is locked. */
async function lockOut(phone: string, address: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const r = await login(phone, 'wrong-password-x', address);
    if (r.locked) return;
    if (r.code === 'RATE_LIMITED') advance(Number(r.retryAfter));
  }
  throw new Error(`${phone} did not lock`);
}

it('refuses the right password after 50 wrong ones, without checking it, until the back-off has passed', async () => {
  const phone = OFFICERS.offA1.phone;
  const results = [];
  for (let i = 0; i < 50; i++) results.push(await login(phone, `wrong-${i}`, '10.0.1.1'));
  expect(results.filter((r) => r.code === 'UNAUTHENTICATED')).toHaveLength(5);
  expect(results.slice(5).every((r) => r.code === 'RATE_LIMITED')).toBe(true);

  const right = await login(phone, PASSWORD, '10.0.1.1');
  expect(right).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryAfter: 1 });
  expect(right.message).toMatch(/wait/);
  // Only five passwords were ever compared; the rest were refused before the hash was looked at
  // (and recorded once: refusals within a minute share one audit row, so a flood cannot fill the log).
  expect(await outcomes(phone)).toEqual({ WRONG_PASSWORD: 5, THROTTLED: 1 });

  advance(1);
  expect(await login(phone, PASSWORD, '10.0.1.1')).toMatchObject({ ok: true });
  // A success starts the phone afresh: the next wrong password is checked, not throttled.
  expect(await login(phone, 'wrong-again', '10.0.1.1')).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect((await outcomes(phone)).SUCCESS).toBe(1);
});

it('throttles an unknown phone exactly like a registered one', async () => {
  const known = [];
  const unknown = [];
  for (let i = 0; i < 7; i++) {
    known.push(await login(OFFICERS.offB.phone, `wrong-${i}`, '10.0.2.1'));
    unknown.push(await login('13999999999', `wrong-${i}`, '10.0.2.2'));
  }
  const shape = (r: Awaited<ReturnType<typeof login>>) => [r.code, r.retryAfter, r.message];
  expect(unknown.map(shape)).toEqual(known.map(shape));
  expect(await outcomes('13999999999')).toEqual({ UNKNOWN_PHONE: 5, THROTTLED: 1 });
});

it('doubles the wait with every further failure, then locks until an admin unlocks it over GraphQL', async () => {
  const phone = OFFICERS.supA.phone;
  for (let i = 0; i < 5; i++) expect((await login(phone, 'wrong-password-x', '10.0.3.1')).code).toBe('UNAUTHENTICATED');
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    const refused = await login(phone, 'wrong-password-x', '10.0.3.1');
    expect(refused.code).toBe('RATE_LIMITED');
    waits.push(Number(refused.retryAfter));
    // One second short is still too early.
    if (refused.retryAfter !== 1) {
      advance(Number(refused.retryAfter) - 1);
      expect((await login(phone, 'wrong-password-x', '10.0.3.1')).code).toBe('RATE_LIMITED');
      advance(1);
    } else advance(1);
    expect((await login(phone, 'wrong-password-x', '10.0.3.1')).code).toBe('UNAUTHENTICATED');
  }
  expect(waits).toEqual([1, 2, 4, 8, 16]);

  // Ten failures in a row: locked, also for the right password and long after.
  advance(3600);
  const locked = await login(phone, PASSWORD, '10.0.3.2');
  expect(locked).toMatchObject({ code: 'RATE_LIMITED', locked: true });
  expect(locked.message).toMatch(/administrator/);
  expect((await outcomes(phone)).LOCKED).toBe(1);

  const UNLOCK = 'mutation($p: String!) { unlockLogin(input: {phone: $p}) { name phone } }';
  const officerToken = await ctx.app.login('offA1');
  expect((await ctx.app.gql(UNLOCK, { p: phone }, officerToken)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // An admin of county B does not reach an officer of county A.
  await createOfficer(ctx.db.orm.em.fork(), { phone: '13800000199', password: PASSWORD, name: 'adminB', role: OfficerRole.ADMIN, unitCode: 'B' });
  const adminB = (await login('13800000199', PASSWORD, '10.0.3.4')).token!;
  expect((await ctx.app.gql(UNLOCK, { p: phone }, adminB)).errors?.[0].extensions?.code).toBe('NOT_FOUND');

  const unlocked = await ctx.app.gql(UNLOCK, { p: phone }, await ctx.app.login('admin'));
  expect(unlocked.data?.unlockLogin).toEqual({ name: 'supA', phone });
  expect(await login(phone, PASSWORD, '10.0.3.2')).toMatchObject({ ok: true });
});

it('lets an admin unlock a login from the CLI', async () => {
  const phone = OFFICERS.gridA1b.phone;
  await lockOut(phone, '10.0.4.1');
  expect(await login(phone, PASSWORD, '10.0.4.1')).toMatchObject({ code: 'RATE_LIMITED', locked: true });
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: ctx.db.url, LOG_LEVEL: 'warn' };
  const run = await runScript(ADMIN, ['unlock-login', '--phone', phone], env);
  expect({ code: run.code, out: run.out.trim(), err: run.err }).toEqual({ code: 0, out: `Unlocked login for ${phone}.`, err: '' });
  expect(await login(phone, PASSWORD, '10.0.4.1')).toMatchObject({ ok: true });
  const usage = await runScript(ADMIN, ['unlock-login'], env);
  expect(usage.code).toBe(2);
  expect(usage.err).toMatch(/missing --phone/);
}, 120_000);

it('stops one address spraying wrong passwords over many phones, and lets others in', async () => {
  for (let i = 0; i < 30; i++) expect((await login(`1370000${String(i).padStart(4, '0')}`, 'wrong-password-x', '10.0.5.1')).code).toBe('UNAUTHENTICATED');
  const sprayed = await login('13700009999', 'wrong-password-x', '10.0.5.1');
  expect(sprayed.code).toBe('RATE_LIMITED');
  expect(sprayed.retryAfter).toBeGreaterThan(800);
  expect(sprayed.retryAfter).toBeLessThanOrEqual(900);
  // Even the right password of a real officer waits from that address; another address is not affected.
  expect((await login(OFFICERS.gridA1a.phone, PASSWORD, '10.0.5.1')).code).toBe('RATE_LIMITED');
  expect(await login(OFFICERS.gridA1a.phone, PASSWORD, '10.0.5.2')).toMatchObject({ ok: true });
  // An IPv6 client is one client across its /64.
  for (let i = 0; i < 30; i++) await login(`1360000${String(i).padStart(4, '0')}`, 'wrong-password-x', `2001:db8:1:2::${(i + 1).toString(16)}`);
  expect((await login('13600009999', 'wrong-password-x', '2001:db8:1:2:ffff::1')).code).toBe('RATE_LIMITED');
  advance(900);
  expect((await login('13700009999', 'wrong-password-x', '10.0.5.1')).code).toBe('UNAUTHENTICATED');
}, 120_000);

it('lets no more than the allowed passwords be checked when 16 clients try at once', async () => {
  const phone = OFFICERS.gridA1a.phone;
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => login(phone, `parallel-${i}`, `10.0.6.${i + 1}`)));
  expect(results.filter((r) => r.code === 'UNAUTHENTICATED')).toHaveLength(5);
  expect(results.filter((r) => r.code === 'RATE_LIMITED')).toHaveLength(11);
  const checked = await ctx.db.orm.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) n from login_attempts where phone = ? and outcome = 'WRONG_PASSWORD' and client_address like '10.0.6.%'`, [
      phone,
    ]);
  expect(Number(checked[0].n)).toBe(5);
});

it('records every outcome, readable by admins within their jurisdiction', async () => {
  const em = ctx.db.orm.em.fork();
  await createOfficer(em, { phone: '13800000198', password: PASSWORD, name: 'retired', role: OfficerRole.OFFICER, unitCode: 'B1' });
  await em.execute(`update officers set active = false where phone = '13800000198'`);
  expect((await login('13800000198', PASSWORD, '10.0.7.1')).code).toBe('UNAUTHENTICATED');

  const QUERY =
    'query($after: String) { loginAttempts(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { at phone outcome clientAddress officer { name } } } } }';
  const all = [];
  let after: string | null = null;
  do {
    const res: any = await ctx.app.gql(QUERY, { after }, await ctx.app.login('admin'));
    all.push(...res.data.loginAttempts.edges.map((e: any) => e.node));
    after = res.data.loginAttempts.pageInfo.hasNextPage ? res.data.loginAttempts.pageInfo.endCursor : null;
  } while (after);
  expect(new Set(all.map((n) => n.outcome))).toEqual(new Set(['SUCCESS', 'WRONG_PASSWORD', 'UNKNOWN_PHONE', 'INACTIVE', 'THROTTLED', 'LOCKED']));
  expect(all.find((n) => n.outcome === 'INACTIVE')).toMatchObject({ phone: '13800000198', clientAddress: '10.0.7.1', officer: { name: 'retired' } });
  expect(all.find((n) => n.outcome === 'UNKNOWN_PHONE').officer).toBeNull();
  // Refusals name the officer too, so the admin of their unit sees them.
  expect(new Set(all.filter((n) => n.outcome === 'LOCKED').map((n) => n.officer?.name))).toEqual(new Set(['supA', 'gridA1b']));
  const total = await em.execute<{ n: string }[]>('select count(*) n from login_attempts');
  expect(all).toHaveLength(Number(total[0].n));

  // County B's admin sees attempts on B's officers only: none on A's, none on unknown phones.
  const adminB = (await login('13800000199', PASSWORD, '10.0.7.2')).token!;
  const scoped: any = await ctx.app.gql('{ loginAttempts(first: 100) { edges { node { phone outcome } } } }', {}, adminB);
  const phones = new Set(scoped.data.loginAttempts.edges.map((e: any) => e.node.phone));
  expect(phones).toEqual(new Set([OFFICERS.offB.phone, '13800000198', '13800000199']));
  const officer: any = await ctx.app.gql('{ loginAttempts(first: 5) { totalCount } }', {}, await ctx.app.login('offA1'));
  expect(officer.errors[0].extensions.code).toBe('FORBIDDEN');
});

it('refuses common passwords with a message a person can act on', async () => {
  const em = ctx.db.orm.em.fork();
  const attempt = (password: string, phone = '13800000197') =>
    createOfficer(em, { phone, password, name: 'new', role: OfficerRole.OFFICER, unitCode: 'A1' }).then(
      () => 'created',
      (err: Error) => err.message,
    );
  expect(await attempt('Password2024!')).toMatch(/most common passwords/);
  expect(await attempt('woaini1314')).toMatch(/most common passwords/);
  expect(await attempt('1380000019712')).toMatch(/phone number/);
  expect(await attempt('short')).toMatch(/at least 10 characters/);
  expect(await em.count('Officer', { phone: '13800000197' })).toBe(0);
  expect(await attempt('river-lamp-hungry-tea')).toBe('created');

  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: ctx.db.url, LOG_LEVEL: 'warn' };
  const cli = await runScript(
    ADMIN,
    ['create-officer', '--phone', '13800000196', '--password', 'qwerty123456', '--name', '新干部', '--role', 'OFFICER', '--unit', 'A1'],
    env,
  );
  expect(cli.code).toBe(1);
  expect(cli.err).toMatch(/most common passwords.*choose another/);
}, 120_000);

/** The officer of a token as the server sees it now (`me`), or the error code. */
async function me(token: string): Promise<string> {
  const res = await ctx.app.gql('{ me { name active } }', {}, token);
  return res.errors?.[0]?.extensions?.code ?? (res.data.me.active ? 'ACTIVE' : 'INACTIVE');
}

/** Polls until `me` answers `want` (the server hears of officer changes through the database), answering the ms it took. */
async function until(token: string, want: string): Promise<number> {
  const started = Date.now();
  while ((await me(token)) !== want) {
    if (Date.now() - started > 3000) throw new Error(`me never answered ${want}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

it('lets an admin deactivate an officer of their jurisdiction over GraphQL: tokens refused at once, logins too, until reactivated', async () => {
  const phone = '13800000171';
  const grid = await createOfficer(ctx.db.orm.em.fork(), { phone, password: PASSWORD, name: '新网格员', role: OfficerRole.GRID_WORKER, unitCode: 'A1a' });
  const id = toGlobalId('Officer', grid.id);
  const token = (await login(phone, PASSWORD, '10.0.8.1')).token!;
  expect(await me(token)).toBe('ACTIVE');
  const q = 'mutation($i: OfficerIdInput!) { deactivateOfficer(input: $i) { name active } }';
  // Not a supervisor's to do, nor an admin's of another county, nor anyone's to do to themself.
  expect((await ctx.app.gql(q, { i: { officerId: id } }, await ctx.app.login('supA'))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  await createOfficer(ctx.db.orm.em.fork(), { phone: '13800000170', password: PASSWORD, name: '乙县管理员', role: OfficerRole.ADMIN, unitCode: 'B' });
  const countyB = (await login('13800000170', PASSWORD, '10.0.8.2')).token!;
  expect((await ctx.app.gql(q, { i: { officerId: id } }, countyB)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  const self = await ctx.app.gql(q, { i: { officerId: toGlobalId('Officer', ctx.world.officers.admin.id) } }, await ctx.app.login('admin'));
  expect(self.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  const done = await ctx.app.gql(q, { i: { officerId: id } }, await ctx.app.login('admin'));
  expect(done.data.deactivateOfficer).toEqual({ name: '新网格员', active: false });
  expect(await until(token, 'UNAUTHENTICATED')).toBeLessThan(1000);
  expect(await login(phone, PASSWORD, '10.0.8.1')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });

  const back = await ctx.app.gql(
    'mutation($i: OfficerIdInput!) { reactivateOfficer(input: $i) { active } }',
    { i: { officerId: id } },
    await ctx.app.login('admin'),
  );
  expect(back.data.reactivateOfficer).toEqual({ active: true });
  expect(await login(phone, PASSWORD, '10.0.8.1')).toMatchObject({ ok: true });
});

it('lets an operator deactivate and reactivate an officer from the CLI', async () => {
  const phone = '13800000172';
  await createOfficer(ctx.db.orm.em.fork(), { phone, password: PASSWORD, name: '另一网格员', role: OfficerRole.GRID_WORKER, unitCode: 'A1b' });
  const token = (await login(phone, PASSWORD, '10.0.9.1')).token!;
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: ctx.db.url, LOG_LEVEL: 'warn' };
  const off = await runScript(ADMIN, ['deactivate-officer', '--phone', phone], env);
  expect({ code: off.code, err: off.err }).toEqual({ code: 0, err: '' });
  expect(off.out).toMatch(/deactivated/);
  expect(await until(token, 'UNAUTHENTICATED')).toBeLessThan(1000);
  const on = await runScript(ADMIN, ['reactivate-officer', '--phone', phone], env);
  expect(on.code).toBe(0);
  expect(await login(phone, PASSWORD, '10.0.9.1')).toMatchObject({ ok: true });
  const unknown = await runScript(ADMIN, ['deactivate-officer', '--phone', '13999999999'], env);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/not found/);
}, 120_000);

it('logs an officer out everywhere: every token issued before is refused, a new login works', async () => {
  const phone = OFFICERS.offB.phone;
  const phoneToken = (await login(phone, PASSWORD, '10.9.0.1')).token!;
  const desktopToken = (await login(phone, PASSWORD, '10.9.0.2')).token!;
  const me = (token: string) => ctx.app.gql('{ me { name } cases(first: 1) { totalCount } }', undefined, token);
  expect((await me(desktopToken)).data.me).toEqual({ name: 'offB' });

  const out = await ctx.app.gql('mutation { logout }', undefined, phoneToken);
  expect(out.errors).toBeUndefined();
  expect(out.data.logout).toBe(true);
  for (const token of [phoneToken, desktopToken]) {
    const res = await me(token);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0].message).toMatch(/logged out/);
  }
  // Photos and other token routes refuse it too.
  const photo = await fetch(`${ctx.app.url}/cases/${toGlobalId('Case', ctx.world.cases.b1a.id)}/photos/00000000-0000-4000-8000-000000000000`, {
    headers: { authorization: `Bearer ${phoneToken}` },
  });
  expect(photo.status).toBe(401);
  const again = (await login(phone, PASSWORD, '10.9.0.1')).token!;
  expect((await me(again)).data.me).toEqual({ name: 'offB' });
  // Logging out needs a login.
  expect((await ctx.app.gql('mutation { logout }')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});
