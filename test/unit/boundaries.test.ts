import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/*
 * The rooms of the code and what each may import. Transports (GraphQL, the HTTP routes, the chat
 * bot, the job runner, the CLI) talk to the domain and the small shared module (ids, URLs, labels),
 * never to each other; only the composition roots put them together. The domain knows no transport.
 */

const ROOT = path.join(__dirname, '../..');

/** Where a file belongs: the first rule whose prefix its path starts with. */
const ROOMS: [prefix: string, room: string][] = [
  ['src/app.ts', 'composition'],
  ['src/server.ts', 'composition'],
  ['src/graphql/', 'graphql'],
  ['src/web/', 'web'],
  ['src/workbench/', 'workbench'],
  ['bot/', 'bot'],
  ['src/jobs/', 'jobs'],
  ['src/cli/', 'cli'],
  ['src/domain/', 'domain'],
  ['src/shared/', 'shared'],
  ['src/entities/', 'entities'],
  ['src/db/', 'db'],
  ['src/seed/', 'seed'],
  ['src/embedded/', 'embedded'],
  ['src/config.ts', 'config'],
  ['src/logger.ts', 'base'],
  ['src/paths.ts', 'base'],
  ['migrations/', 'migrations'],
];

const CORE = ['domain', 'shared', 'entities', 'db', 'config', 'base'];

/** What each room may import besides itself. */
const MAY_IMPORT: Record<string, string[]> = {
  composition: ['graphql', 'web', 'bot', 'jobs', 'seed', 'embedded', ...CORE],
  graphql: CORE,
  web: CORE,
  // The browser app talks to the server over HTTP only; it shares the labels, nothing else.
  workbench: ['shared'],
  bot: CORE,
  jobs: ['embedded', ...CORE],
  // The admin CLI runs jobs by hand (run-job) as the worker would.
  cli: ['seed', 'embedded', 'jobs', ...CORE],
  domain: ['entities', 'db', 'base'],
  shared: ['domain', 'entities'],
  entities: ['base'],
  db: ['entities', 'migrations', 'base'],
  seed: ['domain', 'entities', 'db', 'base'],
  embedded: ['db', 'base'],
  config: ['domain', 'base'],
  base: [],
  migrations: ['db', 'entities', 'domain', 'base'],
};

function roomOf(file: string): string | undefined {
  return ROOMS.find(([prefix]) => file.startsWith(prefix))?.[1];
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

const IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

it('keeps every import within what its room may use', () => {
  const crossings: string[] = [];
  const files = ['src', 'bot', 'migrations'].flatMap(sources);
  expect(files.length).toBeGreaterThan(100);
  for (const file of files) {
    const from = roomOf(file);
    expect([file, from]).toEqual([file, expect.any(String)]);
    for (const [, spec] of readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      const target = path
        .relative(ROOT, path.resolve(ROOT, path.dirname(file), spec))
        .split(path.sep)
        .join('/');
      const to = roomOf(target) ?? roomOf(`${target}.ts`) ?? roomOf(`${target}.tsx`) ?? roomOf(`${target}/`);
      if (to !== from && !MAY_IMPORT[from!].includes(to!)) crossings.push(`${file} (${from}) imports ${target} (${to})`);
    }
  }
  expect(crossings).toEqual([]);
});

it('catches a crossing (the check is not blind)', () => {
  const target = path
    .relative(ROOT, path.resolve(ROOT, 'src/web', '../graphql/relay'))
    .split(path.sep)
    .join('/');
  expect(roomOf(`${target}.ts`)).toBe('graphql');
  expect(MAY_IMPORT.web.includes('graphql')).toBe(false);
  expect(MAY_IMPORT.domain.includes('shared')).toBe(false);
  // The browser app cannot reach the server's code.
  expect(MAY_IMPORT.workbench).toEqual(['shared']);
});
