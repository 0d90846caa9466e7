import type { StatementGate } from '../../db/sql';
import { badInput, rateLimited, type DomainError } from '../errors';
import { Gate, GateClosed, type Release } from './gate';

/** How the database and the server's time are shared between clients (FAIR_SHARE_*, SERVER_*, HEAVY_*). */
export interface FairShareLimits {
  /** Requests one client (an officer, or an address without a token) may have running. */
  requestsPerClient: number;
  /** Further requests of that client that wait for one of them to end; past that: RATE_LIMITED. */
  queuePerClient: number;
  /** SQL statements one client may have running at once, across its requests. */
  connectionsPerClient: number;
  /** SQL statements of heavy requests (dashboards, rankings, similar cases, costly queries) at once. */
  heavyConnections: number;
  /** A request costing this much or more is heavy, whatever it asks for. */
  heavyCost: number;
  /** Requests the server works on at once; past that they queue… */
  serverInFlight: number;
  /** …this many of them; past that: 503. */
  serverQueue: number;
  /** Longest wait in a queue, in ms, before the request is refused. */
  queueWaitMs: number;
}

export const DEFAULT_FAIR_SHARE: FairShareLimits = Object.freeze({
  requestsPerClient: 4,
  queuePerClient: 8,
  connectionsPerClient: 2,
  heavyConnections: 5,
  heavyCost: 1000,
  serverInFlight: 64,
  serverQueue: 64,
  queueWaitMs: 5000,
});

/** The server has no room for another request now (HTTP 503 with Retry-After). */
export class ServerBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`The server is busy; try again in ${retryAfterSeconds} s`);
    this.name = 'ServerBusy';
  }
}

/** The answer for work stopped at a request's deadline, whichever check or cancel stopped it. */
export function deadlineExceeded(timeoutMs: number): DomainError {
  return badInput(`The request took longer than ${timeoutMs} ms and was stopped; ask for fewer items or fewer nested fields`, { timeoutMs });
}

/**
 * Shares one process's requests and database connections between clients, so that no client — and
 * no kind of request — can take what the others need:
 *
 * - the server takes `serverInFlight` requests at once and queues a few more briefly; past that it
 *   answers 503 before any work, instead of letting the pool run dry;
 * - each client (officer, or address without a token) runs `requestsPerClient` requests at once,
 *   queues `queuePerClient` more, and is told RATE_LIMITED past that;
 * - each client runs `connectionsPerClient` SQL statements at once, however many requests and
 *   parallel fields it sends, and heavy requests together run `heavyConnections`: the rest of the
 *   pool stays free for light reads.
 */
export class FairShare {
  private readonly server: Gate;
  private readonly requests: Gate;
  private readonly statements: Gate;
  private readonly heavy: Gate;

  constructor(readonly limits: FairShareLimits) {
    this.server = new Gate(limits.serverInFlight, limits.serverQueue);
    this.requests = new Gate(limits.requestsPerClient, limits.queuePerClient);
    this.statements = new Gate(limits.connectionsPerClient, Infinity);
    this.heavy = new Gate(limits.heavyConnections, Infinity);
  }

  private get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.queueWaitMs / 1000));
  }

  /** Admits a request to the server, or throws ServerBusy. */
  async admitRequest(): Promise<Release> {
    try {
      return await this.server.enter('*', this.limits.queueWaitMs);
    } catch (err) {
      if (err instanceof GateClosed) throw new ServerBusy(this.retryAfterSeconds);
      throw err;
    }
  }

  /** Admits a request of one client (`officer:<id>` or an address key), or throws RATE_LIMITED. */
  async admitClient(client: string): Promise<Release> {
    try {
      return await this.requests.enter(client, this.limits.queueWaitMs);
    } catch (err) {
      if (err instanceof GateClosed) {
        throw rateLimited(
          `Too many requests of yours are running (${this.limits.requestsPerClient} at once, ${this.limits.queuePerClient} waiting); try again shortly`,
          this.retryAfterSeconds,
        );
      }
      throw err;
    }
  }

  /** The statements of one request of a client, with its deadline (Date.now() ms) and budget. */
  lane(client: string, deadline?: number, timeoutMs?: number): Lane {
    return new Lane(this.statements, this.heavy, client, deadline, timeoutMs);
  }

  /** What is running and waiting now (readiness, /healthz). */
  status() {
    const server = this.server.count();
    const heavy = this.heavy.count();
    return {
      inFlight: server.held,
      queued: server.waiting,
      clientsWaiting: this.requests.count().waiting,
      statementsWaiting: this.statements.count().waiting + heavy.waiting,
      heavyStatements: heavy.held,
    };
  }

  /** The server cannot take more without a client waiting: every place is held, or requests queue. */
  saturated(): boolean {
    const server = this.server.count();
    return server.waiting > 0 || server.held >= this.limits.serverInFlight;
  }
}

/**
 * One request's way to the database: each statement first takes one of its client's places, and one
 * of the heavy places when the request is heavy (always in that order, so no two requests can wait
 * on each other). A wait that would outlast the request's deadline ends with the deadline's error.
 */
export class Lane implements StatementGate {
  /** Set once the operation is known to be heavy (its cost or its fields). */
  heavy = false;

  constructor(
    private readonly statements: Gate,
    private readonly heavyGate: Gate,
    readonly client: string,
    readonly deadline?: number,
    readonly timeoutMs?: number,
  ) {}

  expired(): Error {
    return deadlineExceeded(this.timeoutMs ?? 0);
  }

  acquire(): Release | Promise<Release> {
    const own = this.statements.tryEnter(this.client);
    if (own && !this.heavy) return own;
    return this.acquireSlowly(own);
  }

  private async acquireSlowly(own: Release | undefined): Promise<Release> {
    const mine = own ?? (await this.wait(this.statements, this.client));
    if (!this.heavy) return mine;
    try {
      const shared = await this.wait(this.heavyGate, '*');
      return () => {
        shared();
        mine();
      };
    } catch (err) {
      mine();
      throw err;
    }
  }

  private async wait(gate: Gate, key: string): Promise<Release> {
    const left = this.deadline === undefined ? Infinity : this.deadline - Date.now();
    if (left <= 0) throw this.expired();
    try {
      return await gate.enter(key, left);
    } catch (err) {
      if (err instanceof GateClosed) throw this.expired();
      throw err;
    }
  }
}
