import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * The systemd units of docs/deploy: systemd-analyze verify accepts them (Debian ships it with
 * systemd), and they start what the project builds, drain on SIGTERM and keep resource limits.
 */

const DIR = path.join(__dirname, '../../docs/deploy');
const UNITS = ['sanling-api.service', 'sanling-worker.service'];

it('passes systemd-analyze verify where systemd is installed, and is well-formed everywhere', () => {
  for (const name of UNITS) {
    // Sections and Key=Value lines only, with the three sections a service unit needs.
    const lines = readFileSync(path.join(DIR, name), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines.filter((l) => !/^\[(Unit|Service|Install)\]$/.test(l) && !/^[A-Za-z]+=\S/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('['))).toEqual(['[Unit]', '[Service]', '[Install]']);
  }
  const res = spawnSync('systemd-analyze', ['verify', ...UNITS.map((u) => path.join(DIR, u))], { encoding: 'utf8' });
  // A machine without systemd (a container) has no systemd-analyze: the checks above are what it gets.
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return;
  expect({ status: res.status, output: `${res.stdout}${res.stderr}`.trim() }).toEqual({ status: 0, output: '' });
});

it('starts the built entry points, stops by SIGTERM with time to drain, and limits memory', () => {
  const unit = (name: string) => readFileSync(path.join(DIR, name), 'utf8');
  expect(unit('sanling-api.service')).toMatch(/^ExecStart=\/usr\/bin\/env node dist\/src\/server\.js$/m);
  expect(unit('sanling-worker.service')).toMatch(/^ExecStart=\/usr\/bin\/env node dist\/src\/jobs\/worker\.js$/m);
  for (const name of UNITS) {
    expect(unit(name)).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit(name))?.[1])).toBeGreaterThanOrEqual(20);
    expect(unit(name)).toMatch(/^MemoryMax=\d+[MG]$/m);
    expect(unit(name)).toMatch(/^Environment=.*NODE_ENV=production/m);
  }
  // The API process leaves the jobs to the worker.
  expect(unit('sanling-api.service')).toMatch(/^Environment=.*JOBS=off/m);
});
