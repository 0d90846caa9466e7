import type { OfficerActor } from './actor';

/**
 * Who a token belongs to, kept for a few seconds so a burst of requests costs one officer lookup.
 * Entries are dropped when the database says an officer changed (deactivated, new role or unit) or
 * units moved; while that news cannot be heard (the listening connection is down) nothing is kept,
 * so a deactivation never outlives its notice.
 */
export class ActorCache {
  private readonly entries = new Map<number, { actor: OfficerActor; until: number }>();
  private listening = false;
  /** Counts invalidations: a lookup that raced one must not store what it read before it. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxEntries = 10_000,
  ) {}

  get(officerId: number): OfficerActor | undefined {
    const entry = this.entries.get(officerId);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.actor;
    this.entries.delete(officerId);
    return undefined;
  }

  /** Call before reading the officer from the database; pass the result to set. */
  mark(): number {
    return this.generation;
  }

  /** Keeps what a lookup started at `mark` read, unless something changed meanwhile. */
  set(actor: OfficerActor, mark: number): void {
    if (!this.listening || this.ttlMs <= 0 || mark !== this.generation) return;
    // A full cache starts over rather than growing: officers are thousands, not millions.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(actor.id, { actor, until: this.now() + this.ttlMs });
  }

  /** An officer changed (`id`), or anything might have (`'*'`). */
  invalidate(what: number | '*'): void {
    this.generation++;
    if (what === '*') this.entries.clear();
    else this.entries.delete(what);
  }

  /** Whether changes are being heard; going deaf forgets everything. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.generation++;
    if (!listening) this.entries.clear();
  }
}
