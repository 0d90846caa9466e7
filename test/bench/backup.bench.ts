import { mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ADMIN, ROOT, alive, postmasterPid, runScript, userEnv } from '../support/server-process';

/*
 * Backup and restore at city scale: `admin backup` of a seeded DATA_DIR, `admin restore` of that
 * file into a fresh one, then the checks an operator runs after a restore (rebuild-stats --check,
 * verify-trail). BENCH_DATA_DIR: an already seeded data dir (kept; e.g. .data/full after
 * `DATA_DIR=.data/full npm run seed -- --scale full --cases 1000000`); otherwise one is seeded with
 * BENCH_CASES cases (default 100,000) and removed afterwards. Needs `npm run build` first.
 */

const SEED = path.join(ROOT, 'dist/src/cli/seed.js');
const env = (dir: string) => userEnv(dir, { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
const made: string[] = [];

afterAll(() => {
  for (const dir of made) {
    const pid = postmasterPid(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

async function timed(label: string, script: string, args: string[], dir: string): Promise<{ label: string; seconds: number; out: string }> {
  const t = Date.now();
  const r = await runScript(script, args, env(dir));
  if (r.code !== 0) throw new Error(`${label} failed (${r.code}):\n${r.out}\n${r.err}`);
  const says = r.out.split('\n').find((l) => /^(Backed up|Restored|Recounted|Checked|Done)/.test(l)) ?? '';
  return { label, seconds: (Date.now() - t) / 1000, out: says };
}

it('backs up and restores a city', async () => {
  let source = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : '';
  const steps = [];
  if (!source) {
    source = mkdtempSync(path.join(ROOT, '.data', 'bench-backup-src-'));
    made.push(source);
    steps.push(await timed('seed', SEED, ['--scale', 'full', '--cases', process.env.BENCH_CASES ?? '100000'], source));
  }
  const work = mkdtempSync(path.join(ROOT, '.data', 'bench-backup-'));
  const target = mkdtempSync(path.join(ROOT, '.data', 'bench-restored-'));
  made.push(work, target);
  const file = path.join(work, 'city.tar');
  steps.push(await timed('backup', ADMIN, ['backup', file], source));
  const bytes = statSync(file).size;
  steps.push(await timed('restore', ADMIN, ['restore', file], target));
  steps.push(await timed('rebuild-stats --check', ADMIN, ['rebuild-stats', '--check'], target));
  steps.push(await timed('verify-trail', ADMIN, ['verify-trail'], target));
  console.log(
    [
      `backup file: ${(bytes / 1048576).toFixed(0)} MB`,
      '| step | seconds | says |',
      '|---|---:|---|',
      ...steps.map((s) => `| ${s.label} | ${s.seconds.toFixed(1)} | ${s.out.slice(0, 160)} |`),
    ].join('\n'),
  );
  expect(steps.find((s) => s.label === 'verify-trail')!.out).toMatch(/every trail intact/);
  expect(steps.find((s) => s.label === 'rebuild-stats --check')!.out).toMatch(/ 0 rows differed/);
});
