import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { isRunning } from '../../src/embedded/postmaster';

/*
 * The compiled product as a user runs it (`npm start` → dist/src/server.js, `npm run admin`), on the
 * embedded PostgreSQL in a DATA_DIR of its own. `npm test` compiles first; dist/ must be current.
 */

export const ROOT = path.join(__dirname, '../..');
export const SERVER = path.join(ROOT, 'dist/src/server.js');
export const ADMIN = path.join(ROOT, 'dist/src/cli/admin.js');

/** A fresh DATA_DIR under .data/ (ignored by git); the caller removes it. */
export function freshDataDir(prefix = 'e2e-'): string {
  if (!existsSync(SERVER)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  return mkdtempSync(path.join(ROOT, '.data', prefix));
}

/** The environment of a user's shell, without the test run's database, plus the given variables. */
export function userEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, JWT_SECRET: _j, TEST_SERVER_URL: _t, ...rest } = process.env;
  return { ...rest, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...extra };
}

export interface RunningServer {
  proc: ChildProcess;
  port: number;
  url: string;
  log: () => string;
  exited: Promise<number | null>;
  /** Resident set size of the server process in bytes (from /proc). */
  rss: () => number;
  /** POST /graphql; answers the parsed JSON body with the HTTP status. */
  gql: <T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; data?: T; errors?: any[] }>;
  /** Token of a demo officer (password sanling-demo). */
  login: (phone: string) => Promise<string>;
  /** SIGINT, then waits for the exit code. */
  stop: () => Promise<number | null>;
}

/** Starts the compiled server and waits for its "listening" line. */
export async function startServer(dataDir: string, extra: Record<string, string> = {}, timeoutMs = 90_000): Promise<RunningServer> {
  const proc = spawn(process.execPath, [SERVER], { env: userEnv(dataDir, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), timeoutMs);
    let found = false;
    const onData = (d: Buffer) => {
      log += d.toString();
      // Searched only until found: the whole log on every chunk would cost the test process (often
      // the load generator too) more with each request the server logs.
      if (found) return;
      const m = /listening on http:\/\/localhost:(\d+)/.exec(log);
      if (m) {
        found = true;
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const gql: RunningServer['gql'] = async (query, variables, token, headers = {}) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
  return {
    proc,
    port,
    url,
    log: () => log,
    exited,
    rss: () => {
      // 0 once the process is gone (a sampler may outlive it).
      let status = '';
      try {
        status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
      } catch {
        // gone
      }
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    },
    gql,
    login: async (phone) => {
      const res = await gql('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { phone, password: 'sanling-demo' } });
      if (!res.data?.login) throw new Error(`login ${phone} failed: ${JSON.stringify(res.errors)}`);
      return res.data.login.token as string;
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs a compiled entry point (the admin CLI) to its end. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** PID of the embedded PostgreSQL running in a DATA_DIR, from its postmaster.pid. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** The process runs (a zombie waiting to be reaped does not count). */
export const alive = isRunning;

/** Polls until the predicate holds or the time runs out; answers whether it held. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Bytes of every file under a directory (0 when it does not exist). */
export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? dirBytes(p) : statSync(p).size);
  }, 0);
}

/**
 * A fresh DATA_DIR for a test file (made in beforeAll), and servers started on it; afterAll stops
 * those still running (SIGINT, SIGKILL after 10 s) and any postgres left in the directory, then
 * removes it.
 */
export function useDataDir(prefix: string): { readonly dir: string; start(extra?: Record<string, string>): Promise<RunningServer> } {
  let dir = '';
  const servers: RunningServer[] = [];
  beforeAll(() => {
    dir = freshDataDir(prefix);
  });
  afterAll(async () => {
    for (const s of servers) {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) continue;
      s.proc.kill('SIGINT');
      if (!(await waitFor(() => s.proc.exitCode !== null, 10_000))) s.proc.kill('SIGKILL');
    }
    const pid = dir ? postmasterPid(dir) : undefined;
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async start(extra = {}) {
      const s = await startServer(dir, extra);
      servers.push(s);
      return s;
    },
  };
}
