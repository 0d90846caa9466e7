import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN, ROOT, SERVER, alive, freshDataDir, postmasterPid as pidIn, runScript, startServer, userEnv } from '../support/server-process';

/* The compiled entry points as a user runs them (npm start, npm run admin), in a fresh DATA_DIR. */

let dataDir: string;
const start = (extra: Record<string, string> = {}) => startServer(dataDir, extra);
const run = (script: string, args: string[], extra: Record<string, string> = {}) => runScript(script, args, userEnv(dataDir, extra));
const postmasterPid = () => pidIn(dataDir);

beforeAll(() => {
  dataDir = freshDataDir();
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

it('starts on the embedded database with demo data, shares it with a second instance and the CLI, and stops cleanly', async () => {
  const first = await start();
  try {
    expect(first.log()).toMatch(/embedded PostgreSQL started/);
    expect(first.log()).toMatch(/demo data loaded/);
    const health = await fetch(`http://127.0.0.1:${first.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

    const login = await fetch(`http://127.0.0.1:${first.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(input: {phone: "13800000000", password: "sanling-demo"}) { token } }' }),
    });
    const token = ((await login.json()) as any).data.login.token as string;
    const cases = await fetch(`http://127.0.0.1:${first.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ cases(first: 3) { totalCount edges { node { number } } } }' }),
    });
    expect(((await cases.json()) as any).data.cases.totalCount).toBe(400);

    const pgPid = postmasterPid()!;
    expect(alive(pgPid)).toBe(true);
    // The process that started it is on record, so a later start can tell a live owner from an orphan.
    expect(JSON.parse(readFileSync(path.join(dataDir, 'embedded-owner.json'), 'utf8'))).toMatchObject({ pid: first.proc.pid });

    // A second instance attaches to the running embedded server instead of starting another.
    const second = await start();
    expect(second.log()).toMatch(/attached to the embedded PostgreSQL already running/);
    expect(second.log()).not.toMatch(/demo data loaded/);
    second.proc.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(alive(pgPid)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(200);

    // A second instance on a port already taken says so and leaves the shared database running.
    const clash = await run(SERVER, [], { PORT: String(first.port) });
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(/Port in use: another process listens on it/);
    expect(alive(pgPid)).toBe(true);

    // The admin CLI works against the same database while the server runs.
    const csv = path.join(dataDir, 'units.csv');
    writeFileSync(csv, 'code,name,kind,parent_code\n141122199000,测试街道,TOWNSHIP,141122000000\n');
    const imported = await run(ADMIN, ['import-units', csv]);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/1 units created/);
    const created = await run(ADMIN, [
      'create-officer',
      '--phone',
      '13700000001',
      '--password',
      'long-enough-1',
      '--name',
      '测试干部',
      '--role',
      'OFFICER',
      '--unit',
      '141122199000',
    ]);
    expect({ code: created.code, err: created.code ? created.err : '' }).toEqual({ code: 0, err: '' });
    const relogin = await fetch(`http://127.0.0.1:${first.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(input: {phone: "13700000001", password: "long-enough-1"}) { officer { unit { name } } } }' }),
    });
    expect(((await relogin.json()) as any).data.login.officer.unit.name).toBe('测试街道');

    writeFileSync(csv, 'code,name,kind,parent_code\nX9,坏,VILLAGE,NOWHERE\n');
    const bad = await run(ADMIN, ['import-units', csv]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/line 2: parent_code NOWHERE/);
    const usage = await run(ADMIN, ['create-officer', '--phone', '1']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/missing --password/);

    first.proc.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // The embedded server went down with the process that started it.
    for (let i = 0; i < 50 && alive(pgPid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pgPid)).toBe(false);
  } finally {
    if (first.proc.exitCode === null) first.proc.kill('SIGKILL');
  }

  // With no server running, the CLI starts the embedded database itself and stops it again.
  const solo = await run(ADMIN, [
    'create-officer',
    '--phone',
    '13700000002',
    '--password',
    'long-enough-2',
    '--name',
    '另一干部',
    '--role',
    'GRID_WORKER',
    '--unit',
    '141122199000',
  ]);
  expect(solo.code).toBe(0);
  const pid = postmasterPid();
  expect(pid === undefined || !alive(pid)).toBe(true);
  expect(existsSync(path.join(dataDir, 'embedded-owner.json'))).toBe(false);
});

it('runs a scheduled job by hand, once per period, and at a time of the operator’s choosing', async () => {
  // The demo data set of the first test; no server runs, so each command starts the embedded database itself.
  const digest = await run(ADMIN, ['run-job', 'daily-digest', '--at', '2026-12-01 08:30']);
  expect({ code: digest.code, err: digest.code ? digest.err : '' }).toEqual({ code: 0, err: '' });
  expect(digest.out).toMatch(/Ran daily-digest for 2026-12-01 \(at 2026-12-01T08:30 Beijing time\): \{.*\}/);
  const again = await run(ADMIN, ['run-job', 'daily-digest', '--at', '2026-12-01 17:00']);
  expect(again.code).toBe(0);
  expect(again.out).toMatch(/daily-digest already ran for 2026-12-01 \(finished .*\): nothing done\.$/m);
  // Repeating a digest would send it twice: --force is refused for it, with the jobs that take it.
  const forced = await run(ADMIN, ['run-job', 'daily-digest', '--force']);
  expect(forced.code).toBe(2);
  expect(forced.err).toMatch(/--force is only for jobs that may run twice.*deadline-sweep/);

  // A week ahead, the ladder has moved: the sweep raises levels and queues pushes (a demo sees 督办 without waiting).
  const ahead = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const sweep = await run(ADMIN, ['run-job', 'deadline-sweep', '--at', ahead]);
  expect(sweep.code).toBe(0);
  const result = JSON.parse(/: (\{.*\})$/m.exec(sweep.out)![1]) as Record<string, number>;
  expect(Object.values(result).some((n) => n > 0)).toBe(true);
  const repeat = await run(ADMIN, ['run-job', 'deadline-sweep', '--at', ahead, '--force']);
  expect(repeat.out).toMatch(/Ran deadline-sweep/);

  for (const [args, message] of [
    [['run-job', 'no-such-job'], /run-job needs a job name: one of deadline-sweep, daily-digest/],
    [['run-job', 'weekly-status', '--at', 'next tuesday'], /--at "next tuesday" is not a time/],
    [['run-job', 'weekly-status', '--at', '2026-02-30 09:00'], /is not a time/],
  ] as const) {
    const res = await run(ADMIN, [...args]);
    expect({ code: res.code, err: message.test(res.err) }).toEqual({ code: 2, err: true });
  }
  const production = await run(ADMIN, ['run-job', 'deadline-sweep', '--at', ahead], {
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-that-is-long-enough-123',
  });
  expect(production.code).toBe(2);
  expect(production.err).toMatch(/--at lies in the future/);
});

it('refuses to start in production without JWT_SECRET, naming the variable', async () => {
  const res = await run(SERVER, [], { NODE_ENV: 'production' });
  expect(res.code).toBe(1);
  expect(res.err).toMatch(/JWT_SECRET: required in production/);
});

it('builds before a start only when a source is newer than the last build', async () => {
  const script = path.join(ROOT, 'src/cli/build-if-stale.mjs');
  const stamp = path.join(ROOT, 'dist/.build-stamp');
  const check = async () => (await runScript(script, ['--check', '--only', 'server'], process.env)).out.trim();
  const had = existsSync(stamp) ? statSync(stamp).mtime : undefined;
  try {
    writeFileSync(stamp, '');
    utimesSync(stamp, new Date(Date.now() + 3600_000), new Date(Date.now() + 3600_000));
    expect(await check()).toBe('fresh');
    utimesSync(stamp, new Date(0), new Date(0));
    expect(await check()).toBe('stale');
    rmSync(stamp);
    expect(await check()).toBe('stale');
  } finally {
    if (had) {
      writeFileSync(stamp, '');
      utimesSync(stamp, had, had);
    }
  }
});

it('seeds in production only when asked to, and never with a known password', async () => {
  const dir = freshDataDir('prod-seed-');
  const SEED = path.join(ROOT, 'dist/src/cli/seed.js');
  const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-123' };
  try {
    const refused = await runScript(SEED, [], userEnv(dir, production));
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/NODE_ENV is production.*--production/s);
    const seeded = await runScript(SEED, ['--production', '--cases', '20'], userEnv(dir, production));
    expect(seeded.code).toBe(0);
    const admin = /13800000000\s+ADMIN\s+(\S+)/.exec(seeded.out)?.[1];
    expect(admin).toMatch(/^[\w-]{16}$/);
    expect(seeded.out).not.toContain('sanling-demo');
    const server = await startServer(dir, production);
    try {
      const login = (password: string, phone = '13800000000') =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'mutation($i: LoginInput!) { login(input: $i) { token } }', variables: { i: { phone, password } } }),
        }).then(async (r) => ((await r.json()) as { data?: { login: { token: string } } | null }).data?.login?.token);
      expect(await login(admin!)).toEqual(expect.any(String));
      // The demo password opens neither the demo accounts nor the generated officers.
      expect(await login('sanling-demo')).toBeUndefined();
      expect(await login('sanling-demo', '13900000001')).toBeUndefined();
    } finally {
      await server.stop();
    }
  } finally {
    const pid = pidIn(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);

it('says what to do when the embedded database cannot reach DATA_DIR (root, a closed parent directory)', async () => {
  const closed = mkdtempSync(path.join(ROOT, '.data', 'closed-'));
  chmodSync(closed, 0o700);
  try {
    const dir = path.join(closed, 'data');
    const r = await runScript(ADMIN, ['verify-trail'], userEnv(dir));
    if (process.getuid?.() === 0) {
      // As root the cluster runs as the postgres user: initdb alone would say only "Permission denied".
      expect(r.code).toBe(1);
      expect(r.err).toContain(`cannot reach DATA_DIR ${dir}: ${closed} is closed to other users. Run \`chmod o+x ${closed}\``);
      expect(r.err).not.toMatch(/Unexpected error|at \w+ \(/);
    } else {
      // Any other user runs the cluster as itself: its own closed directory is no obstacle.
      expect(r.out).toMatch(/every trail intact/);
      expect(r.code).toBe(0);
    }
  } finally {
    const pid = pidIn(path.join(closed, 'data'));
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(closed, { recursive: true, force: true });
  }
});
