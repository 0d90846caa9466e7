/*
 * Preloaded into the server by chat.bench.ts when BENCH_CPU_PROF is set (`--cpu-prof` is not
 * allowed in NODE_OPTIONS on Node 20): samples the main thread from start to exit and writes a
 * .cpuprofile (open it in Chrome DevTools or speedscope) into BENCH_CPU_PROF_DIR.
 */
const inspector = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process session answers synchronously, so this runs to its end before the exit.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
