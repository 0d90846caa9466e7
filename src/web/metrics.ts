import { timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { logger } from '../logger';
import { poolFigures } from './health.route';

/*
 * Prometheus metrics (prom-client) at GET /metrics, behind METRICS_TOKEN: not public, since names
 * of operations and the size of queues say something about the service. What a request did is
 * counted as it happens (durations, error codes); what the database holds (the outbox, the job
 * queue, login refusals, the last deadline sweep) is read at each scrape, in one statement each.
 * The list of metrics and their meaning is in docs/operations.md.
 */

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Operation names come from clients: only this many distinct ones get a series of their own. */
const MAX_OPERATIONS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly graphql: Histogram<'operation' | 'outcome'>;
  private readonly errors: Counter<'code'>;
  private readonly chatMessages: Counter<'channel'>;
  private readonly chatRefusals: Counter<'channel' | 'reason'>;

  constructor(orm: MikroORM) {
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'sanling_http_request_duration_seconds',
      help: 'HTTP requests by method, route (the matched path pattern) and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS,
      registers: [this.registry],
    });
    this.graphql = new Histogram({
      name: 'sanling_graphql_request_duration_seconds',
      help: 'GraphQL requests by operation name and outcome (ok, or error when the answer carries errors).',
      labelNames: ['operation', 'outcome'],
      buckets: SECONDS,
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'sanling_graphql_errors_total',
      help: 'Errors in GraphQL answers by extensions.code.',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.chatMessages = new Counter({
      name: 'sanling_chat_messages_total',
      help: 'Messages from residents by chat channel (WECHAT, WEB_CHAT), redeliveries included.',
      labelNames: ['channel'],
      registers: [this.registry],
    });
    this.chatRefusals = new Counter({
      name: 'sanling_chat_refusals_total',
      help: 'Chat messages refused or not fully handled, by channel and reason (rate, new-contacts, photo-contact-quota, …).',
      labelNames: ['channel', 'reason'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'sanling_db_pool_connections',
      help: 'The database pool: connections in use, idle, and requests waiting for one.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = poolFigures(orm);
        this.set({ state: 'in_use' }, p.used);
        this.set({ state: 'idle' }, p.free);
        this.set({ state: 'waiting' }, p.waiting);
      },
    });
    const fromDatabase = <L extends string>(name: string, help: string, labelNames: L[], read: () => Promise<{ labels: Record<L, string>; value: number }[]>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          try {
            for (const { labels, value } of await read()) this.set(labels as never, value);
          } catch (err) {
            logger.warn({ metric: name, reason: err instanceof Error ? err.message : String(err) }, 'metrics: a figure could not be read');
          }
        },
      });
    const sql = <R extends object[]>(text: string, params: unknown[] = []) => orm.em.fork().execute<R>(text, params);
    fromDatabase(
      'sanling_outbox_messages',
      'Pushes in the outbox not delivered: pending (queued or being retried) and dead letters, by channel.',
      ['state', 'channel'],
      async () =>
        (
          await sql<{ status: string; channel: string; n: number }[]>(
            `select o.status, coalesce(r.channel, split_part(f.chat_contact, ':', 1), 'WORKBENCH') as channel, count(*)::int as n
           from outbox o
           left join residents r on o.recipient = 'resident:' || r.id
           left join officers f on o.recipient = 'officer:' || f.id
           where o.status in ('PENDING', 'DEAD') group by 1, 2`,
          )
        ).map((r) => ({ labels: { state: r.status.toLowerCase(), channel: r.channel }, value: r.n })),
    );
    fromDatabase('sanling_job_queue', 'Jobs in the pg-boss queue by job and state (created, retry, active).', ['job', 'state'], async () => {
      const [exists] = await sql<{ ok: boolean }[]>(`select to_regclass('pgboss.job') is not null as ok`);
      if (!exists.ok) return [];
      return (
        await sql<{ name: string; state: string; n: number }[]>(
          `select name, state::text as state, count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active') group by 1, 2`,
        )
      ).map((r) => ({ labels: { job: r.name, state: r.state }, value: r.n }));
    });
    fromDatabase('sanling_job_last_run_seconds', 'How long the last run of each scheduled job took.', ['job'], async () =>
      (
        await sql<{ job: string; seconds: number }[]>(
          `select distinct on (job) job, extract(epoch from finished_at - started_at)::float8 as seconds
           from job_runs where finished_at is not null order by job, started_at desc`,
        )
      ).map((r) => ({ labels: { job: r.job }, value: r.seconds })),
    );
    fromDatabase(
      'sanling_sweep_last_cases',
      'What the last deadline sweep did, by figure of its result (cases raised, reminders queued, …).',
      ['figure'],
      async () => {
        const [row] = await sql<{ result: Record<string, unknown> | null }[]>(
          `select result from job_runs where job = 'deadline-sweep' and finished_at is not null order by started_at desc limit 1`,
        );
        return Object.entries(row?.result ?? {})
          .filter(([, v]) => typeof v === 'number')
          .map(([figure, v]) => ({ labels: { figure }, value: v as number }));
      },
    );
    fromDatabase(
      'sanling_login_refusals_last_hour',
      'Refused logins in the last hour by outcome (wrong password, throttled, locked, …).',
      ['outcome'],
      async () =>
        (
          await sql<{ outcome: string; n: number }[]>(
            `select outcome, count(*)::int as n from login_attempts where at > now() - interval '1 hour' and outcome <> 'SUCCESS' group by 1`,
          )
        ).map((r) => ({ labels: { outcome: r.outcome }, value: r.n })),
    );
  }

  /** What the chat engine reports as it handles messages. */
  chatMeter(): { message(channel: string): void; refused(channel: string, reason: string): void } {
    return {
      message: (channel) => this.chatMessages.inc({ channel }),
      refused: (channel, reason) => this.chatRefusals.inc({ channel, reason }),
    };
  }

  /** Times every HTTP request, labelled by the route pattern that matched (never the raw path). */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.http.startTimer();
      res.once('finish', () => {
        const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  /** Times GraphQL operations and counts the error codes of their answers. */
  graphqlPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const end = this.graphql.startTimer();
        return {
          willSendResponse: async ({ operationName, response }) => {
            const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
            const codes = (body?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
            for (const code of codes) this.errors.inc({ code });
            end({ operation: this.operationLabel(operationName), outcome: codes.length ? 'error' : 'ok' });
          },
        };
      },
    };
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }
}

/** GET /metrics with `Authorization: Bearer <METRICS_TOKEN>`; 404 when no token is configured. */
export function metricsRouter(metrics: ServerMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!token) return void res.status(404).json({ error: 'Metrics are off: set METRICS_TOKEN to scrape them' });
    const given = Buffer.from(/^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const wanted = Buffer.from(token);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'Metrics need the METRICS_TOKEN as a bearer token' });
    }
    res
      .set('Content-Type', metrics.registry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await metrics.registry.metrics());
  });
  return router;
}
