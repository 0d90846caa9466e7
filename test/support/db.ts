import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { initOrm } from '../../src/db/orm';

/** Connection URL of the test server (embedded, or DATABASE_URL). */
export function serverUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  return url;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDb {
  url: string;
  orm: MikroORM;
  /** SQL statements run through the ORM since the last reset. */
  queries: string[];
  drop(): Promise<void>;
}

/** A fresh database for one test file, migrated by the real migrations. */
export async function createTestDb(): Promise<TestDb> {
  const name = `sanling_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = withDatabase(serverUrl(), name);
  const queries: string[] = [];
  const orm = await initOrm({ url, poolMax: 6, onQuery: (q) => queries.push(q) });
  queries.length = 0;
  return {
    url,
    orm,
    queries,
    drop: async () => {
      await orm.close(true);
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
