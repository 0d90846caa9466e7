/** Gives back what was taken; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  held: number;
  waiting: Waiter[];
}

/** Why a gate said no: its queue was full, or a waiter's time ran out. */
export class GateClosed extends Error {
  constructor(readonly reason: 'full' | 'timeout') {
    super(reason === 'full' ? 'queue full' : 'waited too long');
    this.name = 'GateClosed';
  }
}

/**
 * At most `limit` holders per key at once; later callers wait in arrival order, at most `queue` of
 * them per key, each until its own time runs out. Keys without holders or waiters are forgotten, so
 * a gate keyed by officer or address holds only the clients that are active now. In memory: the
 * limit is per process (each API instance gives every client the same share).
 */
export class Gate {
  private readonly slots = new Map<string, Slot>();
  private waitingTotal = 0;
  private heldTotal = 0;

  constructor(
    readonly limit: number,
    readonly queue: number,
  ) {}

  /** Takes a place at once, or undefined when the key has none free (or others wait already). */
  tryEnter(key: string): Release | undefined {
    const slot = this.slots.get(key);
    if (slot && (slot.held >= this.limit || slot.waiting.length)) return undefined;
    return this.take(key, slot);
  }

  /**
   * Takes a place, waiting until `waitMs` have passed at most. Rejects with GateClosed('full') at once
   * when the key's queue is full, with GateClosed('timeout') when the wait runs out.
   */
  enter(key: string, waitMs: number): Promise<Release> {
    const now = this.tryEnter(key);
    if (now) return Promise.resolve(now);
    const slot = this.slots.get(key)!;
    if (slot.waiting.length >= this.queue || waitMs <= 0) return Promise.reject(new GateClosed(slot.waiting.length >= this.queue ? 'full' : 'timeout'));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, fail: reject };
      if (Number.isFinite(waitMs)) {
        waiter.timer = setTimeout(() => {
          const i = slot.waiting.indexOf(waiter);
          if (i < 0) return;
          slot.waiting.splice(i, 1);
          this.waitingTotal -= 1;
          this.forget(key, slot);
          reject(new GateClosed('timeout'));
        }, waitMs);
      }
      slot.waiting.push(waiter);
      this.waitingTotal += 1;
    });
  }

  /** Holders and waiters of one key, or of all keys together. */
  count(key?: string): { held: number; waiting: number } {
    if (key === undefined) return { held: this.heldTotal, waiting: this.waitingTotal };
    const slot = this.slots.get(key);
    return { held: slot?.held ?? 0, waiting: slot?.waiting.length ?? 0 };
  }

  private take(key: string, existing: Slot | undefined): Release {
    const slot = existing ?? { held: 0, waiting: [] };
    if (!existing) this.slots.set(key, slot);
    slot.held += 1;
    this.heldTotal += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.held -= 1;
      this.heldTotal -= 1;
      const next = slot.waiting.shift();
      if (next) {
        this.waitingTotal -= 1;
        clearTimeout(next.timer);
        next.grant(this.take(key, slot));
      } else this.forget(key, slot);
    };
  }

  private forget(key: string, slot: Slot): void {
    if (!slot.held && !slot.waiting.length && this.slots.get(key) === slot) this.slots.delete(key);
  }
}
