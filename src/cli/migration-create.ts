/* Developer tool: writes a migration for the difference between the entities and the database. */
import 'reflect-metadata';
import { loadConfig } from '../config';
import { openServer } from '../embedded/embedded';
import { initOrm } from '../db/orm';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await openServer(config);
  const orm = await initOrm({ url: server.url });
  try {
    const name = process.argv[2];
    const result = await orm.getMigrator().createMigration('migrations', false, false, name);
    if (!result.fileName) console.log('No changes: the database matches the entities.');
    else console.log(`Wrote migrations/${result.fileName}; add it to migrations/index.ts.`);
  } finally {
    await orm.close();
    await server.release();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
