import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The project root (where package.json is), from source or from dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'data'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** Files shipped with the project under data/. */
export const dataFile = (name: string) => path.join(projectRoot(), 'data', name);

/** The version in package.json. */
export function appVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
