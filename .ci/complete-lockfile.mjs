#!/usr/bin/env node
// The registry reachable here serves only Linux builds of native packages, so `npm install`
// leaves other platforms' optional packages out of package-lock.json and `npm ci` then rejects
// the lock file as out of sync (npm/cli#9846). This adds, for every optional dependency the lock
// file lacks, an entry with its version and the os/cpu/libc its name declares; `npm ci` skips
// those on this platform and installs them from the public registry elsewhere.
// Run after any `npm install` that changes package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'wasi'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[base] || lock.packages[`node_modules/${name}`]) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact pins can be stubbed faithfully
    const tokens = name.split(/[/@-]/);
    const os = OS.filter((o) => tokens.includes(o));
    const cpu = CPU.filter((c) => tokens.includes(c) || (c === 'arm' && tokens.includes('eabi')) || (c === 'arm' && tokens.includes('gnueabihf')));
    const stub = { version: spec, optional: true };
    if (entry.dev) stub.dev = true;
    if (os.length) stub.os = os;
    if (cpu.length) stub.cpu = cpu.includes('arm64') ? ['arm64'] : cpu;
    if (tokens.includes('musl') || tokens.includes('musleabihf')) stub.libc = ['musl'];
    else if (tokens.includes('gnu') || tokens.includes('gnueabihf')) stub.libc = ['glibc'];
    lock.packages[`node_modules/${name}`] = stub;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entries added`);
