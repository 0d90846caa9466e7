// Builds the workbench (办件工作台) into dist/workbench, served by the API server at /work/.
// Everything is bundled from the project's own sources and node_modules: no CDN, no other origin.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/work/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.resolve(here, '../../dist/workbench'),
    emptyOutDir: true,
    target: 'es2020',
  },
});
