// Compiles the project (tsc -p tsconfig.build.json) only when a source is newer than the last
// build, so a restart with nothing changed starts at once instead of type-checking everything
// again. Run by `npm start`, `npm run admin`, `npm run worker` and `npm run seed` before they start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stamp = path.join(root, 'dist', '.build-stamp');
const INPUTS = ['src', 'bot', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest modification time (ms) of the compiled inputs: TypeScript sources and what configures tsc. */
function newest(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return /\.(ts|json)$/.test(p) ? st.mtimeMs : 0;
  return readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name))), 0);
}

const sources = Math.max(
  ...INPUTS.map((p) => path.join(root, p))
    .filter(existsSync)
    .map(newest),
);
const fresh = existsSync(stamp) && statSync(stamp).mtimeMs >= sources;
// --check only says whether a build is due.
if (process.argv.includes('--check')) {
  console.log(fresh ? 'fresh' : 'stale');
  process.exit(0);
}
if (fresh) process.exit(0);

const started = Date.now();
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The stamp takes the time the build started: a file saved during the build makes the next start build again.
writeFileSync(stamp, '');
utimesSync(stamp, new Date(started), new Date(started));
console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
