import { existsSync } from 'node:fs';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { eventHash, GENESIS_HASH } from '../domain/cases/trail';
import { copyLine } from './bulk';

/*
 * The generator's trail rows: hash-chained and written as COPY lines. Hashing is a good share of a
 * large load's work and draws no random numbers, so a worker thread does it on the second core
 * while the main thread generates the next cases.
 */

/** A trail entry before hashing: case id, seq, type, actor officer, actor resident, from, to, note, data, at. */
export type TrailEvent = [
  number,
  number,
  string,
  number | null,
  number | null,
  string | null,
  string | null,
  string | null,
  Record<string, unknown> | null,
  Date,
];

/** COPY lines of the events, in order; a case's chain starts at its seq 1. */
export function trailLines(events: readonly TrailEvent[]): string {
  let lines = '';
  let prev = GENESIS_HASH;
  for (const [caseId, seq, type, actorOfficerId, actorResidentId, fromStatus, toStatus, note, data, createdAt] of events) {
    if (seq === 1) prev = GENESIS_HASH;
    const hash = eventHash(prev, { caseId, seq, type, actorOfficerId, actorResidentId, fromStatus, toStatus, note, data, createdAt });
    lines += copyLine([caseId, seq, type, actorOfficerId, actorResidentId, fromStatus, toStatus, note, data, createdAt, prev, hash]);
    prev = hash;
  }
  return lines;
}

/** Turns blocks of events into COPY lines, in a worker thread when the compiled one is there, else in place. */
export class TrailHasher {
  private readonly worker: Worker | undefined;
  private readonly waiting: { resolve: (lines: string) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(useWorker: boolean) {
    const file = path.join(__dirname, 'trail.worker.js');
    if (!useWorker || !__filename.endsWith('.js') || !existsSync(file)) return;
    // A roomy young generation: the hashing makes many short-lived strings.
    this.worker = new Worker(file, { workerData: { trailWorker: true }, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
    this.worker.on('message', (lines: string) => this.waiting.shift()?.resolve(lines));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the trail worker stopped (exit code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  /** The COPY lines of a block; blocks come back in the order they were given. */
  lines(events: TrailEvent[]): Promise<string> {
    if (!this.worker) return Promise.resolve(trailLines(events));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker!.postMessage(events);
    });
  }

  async close(): Promise<void> {
    if (!this.worker) return;
    this.failure ??= new Error('the trail worker was closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

// Only in the thread started above (a test runner's own worker threads load this module too).
if ((workerData as { trailWorker?: boolean } | null)?.trailWorker && parentPort) {
  const port = parentPort;
  port.on('message', (events: TrailEvent[]) => port.postMessage(trailLines(events)));
}
