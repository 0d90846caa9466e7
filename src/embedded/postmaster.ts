import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/*
 * Who runs the embedded PostgreSQL of a DATA_DIR: its postmaster.pid (written by PostgreSQL) and our
 * owner record (the process that started it), so a postgres left behind by a killed server is told
 * apart from one a live server or CLI shares.
 */

/** What postmaster.pid says about a running server. */
export interface Postmaster {
  pid: number;
  port: number;
  /** 'starting', 'ready', 'stopping' or 'standby' (line 8; empty on very old servers). */
  status: string;
}

/** The process that started the embedded server; `start` tells a reused PID apart where /proc exists. */
export interface OwnerRecord {
  pid: number;
  start?: string;
}

const OWNER_FILE = 'embedded-owner.json';

/** Fields of /proc/PID/stat after the command name (state first), or undefined off Linux or when gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Whether the process exists and is not a zombie (an exited child nobody has reaped yet). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.[0] !== 'Z';
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat). */
function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/** Reads postmaster.pid (line 1 PID, line 4 port, line 8 status: PostgreSQL's documented layout) when its PID runs. */
export async function readPostmaster(clusterDir: string): Promise<Postmaster | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isRunning(pid)) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

export async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(path.join(dataDir, OWNER_FILE), 'utf8')) as OwnerRecord;
    return Number.isInteger(rec.pid) ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as the one that starts (and must stop) the embedded server. */
export async function claimOwnership(dataDir: string): Promise<void> {
  const rec: OwnerRecord = { pid: process.pid, start: processStart(process.pid) };
  await writeFile(path.join(dataDir, OWNER_FILE), JSON.stringify(rec), { mode: 0o600 });
}

/** Removes the owner record if it is still ours. */
export async function releaseOwnership(dataDir: string): Promise<void> {
  const rec = await readOwner(dataDir);
  if (rec?.pid === process.pid) await rm(path.join(dataDir, OWNER_FILE), { force: true });
}

/** Whether the recorded owner still runs (and is the same process, not a later one with its PID). */
export function ownerAlive(rec: OwnerRecord | undefined): boolean {
  if (!rec || !isRunning(rec.pid)) return false;
  const now = processStart(rec.pid);
  return rec.start === undefined || now === undefined || now === rec.start;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gone(clusterDir: string, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid) || !existsSync(path.join(clusterDir, 'postmaster.pid'))) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Stops a postmaster nobody supervises any more: fast shutdown (SIGINT: clients disconnected,
 * data flushed), then immediate shutdown (SIGQUIT) if it hangs.
 */
export async function stopOrphan(clusterDir: string, pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      // Already gone.
    }
  };
  signal('SIGINT');
  if (await gone(clusterDir, pid, 20_000)) return;
  signal('SIGQUIT');
  if (await gone(clusterDir, pid, 5_000)) return;
  throw new Error(`The PostgreSQL left running in ${clusterDir} (pid ${pid}) does not stop; stop it by hand (kill ${pid}) and start again.`);
}
