import type { Release } from './gate';

/**
 * The bytes of photo bodies being received at once. Each costs several times its size in memory
 * while it is read and decoded, so they are admitted before a byte of them is read: one body per
 * address key at a time (an IPv6 /64 is one address, see addressKey), and `totalBytes` for all
 * addresses together. With bodies capped at one photo's size, a few slow senders cannot hold the
 * whole budget, and the rate guard of the route frees what they hold.
 */
export class UploadBudget {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly opts: { perAddress: number; totalBytes: number }) {}

  /** Reserves `bytes` for a body from `address`, or undefined when either limit is reached. */
  admit(address: string, bytes: number): Release | undefined {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.opts.perAddress || this.total + bytes > this.opts.totalBytes) return undefined;
    this.total += bytes;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= bytes;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
  }

  /** Bytes reserved now. */
  get inFlight(): number {
    return this.total;
  }
}
