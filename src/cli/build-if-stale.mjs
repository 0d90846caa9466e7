// Compiles the project (tsc -p tsconfig.build.json) and bundles the workbench (Vite) only when a
// source is newer than the last build, so a restart with nothing changed starts at once instead of
// building everything again. Run by `npm start`, `npm run admin`, `npm run worker` and `npm run seed`
// before they start, and by the tests' global set-up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_INPUTS = ['src', 'bot', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const WORKBENCH_INPUTS = ['src/workbench', 'src/shared/labels.ts', 'src/entities/enums.ts', 'package-lock.json'];

/** Newest modification time (ms) of the inputs under `p` whose names match `pattern`. */
function newest(p, pattern) {
  const st = statSync(p);
  if (!st.isDirectory()) return pattern.test(p) ? st.mtimeMs : 0;
  return readdirSync(p).reduce((max, name) => Math.max(max, newest(path.join(p, name), pattern)), 0);
}

const builds = [
  {
    name: 'server',
    inputs: SERVER_INPUTS,
    pattern: /\.(ts|json)$/,
    stamp: path.join(root, 'dist', '.build-stamp'),
    command: [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')],
  },
  {
    name: 'workbench',
    inputs: WORKBENCH_INPUTS,
    pattern: /\.(ts|tsx|css|html|json|mjs|yml)$/,
    stamp: path.join(root, 'dist', '.workbench-stamp'),
    command: [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(root, 'src/workbench/vite.config.mjs')],
    // Always React's production build: Vite follows NODE_ENV, which is "test" under jest and may be "development" here.
    env: { NODE_ENV: 'production' },
  },
]
  // --only NAME: one of the builds (the tests' set-up bundles the workbench alone).
  .filter((b) => !process.argv.includes('--only') || process.argv[process.argv.indexOf('--only') + 1] === b.name)
  .map((b) => {
    const sources = Math.max(
      ...b.inputs
        .map((p) => path.join(root, p))
        .filter(existsSync)
        .map((p) => newest(p, b.pattern)),
    );
    return { ...b, fresh: existsSync(b.stamp) && statSync(b.stamp).mtimeMs >= sources };
  });
// --check only says whether a build is due.
if (process.argv.includes('--check')) {
  console.log(builds.every((b) => b.fresh) ? 'fresh' : 'stale');
  process.exit(0);
}

for (const b of builds.filter((b) => !b.fresh)) {
  const started = Date.now();
  const run = spawnSync(process.execPath, b.command, { stdio: 'inherit', cwd: root, env: { ...process.env, ...b.env } });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // The stamp takes the time the build started: a file saved during the build makes the next start build again.
  mkdirSync(path.dirname(b.stamp), { recursive: true });
  writeFileSync(b.stamp, '');
  utimesSync(b.stamp, new Date(started), new Date(started));
  console.error(`${b.name} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
