import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/domain/access/actor';
import { createTestDb, type TestDb } from './db';
import { buildWorld, PASSWORD, OFFICERS, type OfficerKey, type World } from './fixture';

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface TestApp {
  url: string;
  /** Where this app stores chat photos. */
  uploadsDir: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  login(who: OfficerKey): Promise<string>;
  close(): Promise<void>;
}

/** The real HTTP app on a free port, against a test database. */
export async function startTestApp(db: TestDb, clock?: Clock, env: Record<string, string> = {}): Promise<TestApp> {
  // Photos go to a directory of this app's own, never the developer's DATA_DIR.
  const uploads = env.UPLOAD_DIR ? undefined : mkdtempSync(path.join(os.tmpdir(), 'sanling-test-uploads-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
    ...(uploads ? { UPLOAD_DIR: uploads } : {}),
    ...env,
  });
  const app = await createApp(db.orm, config, clock);
  const server: Server = await new Promise((resolve) => {
    const s = app.express.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) } as GqlResult;
  };
  const tokens = new Map<OfficerKey, string>();
  return {
    url,
    uploadsDir: config.uploadDir,
    gql,
    login: async (who) => {
      const cached = tokens.get(who);
      if (cached) return cached;
      const res = await gql('mutation($i: LoginInput!) { login(input: $i) { token } }', {
        i: { phone: OFFICERS[who].phone, password: PASSWORD },
      });
      if (!res.data?.login) throw new Error(`login ${who} failed: ${JSON.stringify(res.errors)}`);
      tokens.set(who, res.data.login.token);
      return res.data.login.token;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.stop();
      if (uploads) rmSync(uploads, { recursive: true, force: true });
    },
  };
}

/**
 * Registers beforeAll/afterAll for a test file: a fresh database with the fixture world, and the
 * app on it with the given clock. Read the returned object's fields inside tests.
 */
export function useWorldApp(clock?: Clock, env: Record<string, string> = {}): { db: TestDb; app: TestApp; world: World } {
  const ctx = {} as { db: TestDb; app: TestApp; world: World };
  beforeAll(async () => {
    ctx.db = await createTestDb();
    ctx.world = await buildWorld(ctx.db.orm.em.fork());
    ctx.app = await startTestApp(ctx.db, clock, env);
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.db?.drop();
  });
  return ctx;
}

/**
 * Waits until the server keeps the officer of `token` between requests (it does once it hears the
 * database's officer-change notices), so SQL counted afterwards is the request's own.
 */
export async function keepToken(app: TestApp, db: TestDb, token: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    db.queries.length = 0;
    await app.gql('{ __typename }', {}, token);
    if (db.queries.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the server never keeps the officer of the token');
}
