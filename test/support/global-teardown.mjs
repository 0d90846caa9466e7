export default async function globalTeardown() {
  const pg = globalThis.__SANLING_TEST_PG__;
  if (pg) await pg.stop(); // persistent: false also removes its data directory
}
