import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import jwt from 'jsonwebtoken';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { Pool } from 'pg';

/*
 * The hand-written baseline for the read-path benchmark: Apollo Server standalone over a pg Pool,
 * just enough schema for the officers' case list, one SQL join per page. It does the same work the
 * product must do (verify the bearer token, re-read the officer, apply the jurisdiction rule, same
 * order and JSON) and nothing more, so the gap between the two is what the product's layers cost.
 * Self-contained on purpose (only packages, no project imports): the benchmark compiles this file
 * alone and runs it as a process of its own, apart from the load generator.
 */

const typeDefs = `#graphql
  type Query { cases(first: Int!): CaseConnection! }
  type CaseConnection { edges: [CaseEdge!]! totalCount: Int! }
  type CaseEdge { node: Case! }
  type Case { number: String! title: String! status: String! dueAt: String! unit: Unit! handlingUnit: Unit! assignee: Officer }
  type Unit { name: String! parent: Unit }
  type Officer { name: String! }
`;

interface Actor {
  id: number;
  unitPath: string;
}
interface Context {
  actor: Actor | null;
}
interface Row {
  number: string;
  title: string;
  status: string;
  due_at: Date;
  unit_name: string;
  parent_name: string | null;
  handling_name: string;
  assignee_name: string | null;
  total?: string;
}

// Token claims as the product signs them.
const ISSUER = 'sanling';
const AUDIENCE = 'sanling-officer';

/** Escapes LIKE metacharacters so the unit path matches as a literal prefix (as the product does). */
const likePrefix = (path: string) => `${path.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

const PAGE_SQL = (withTotal: boolean) => `
  select c.number, c.title, c.status, c.due_at, u.name as unit_name, up.name as parent_name,
         h.name as handling_name, a.name as assignee_name${withTotal ? ', count(*) over () as total' : ''}
    from cases c
    join units u on u.id = c.unit_id
    left join units up on up.id = u.parent_id
    join units h on h.id = c.handling_unit_id
    left join officers a on a.id = c.assignee_id
   where c.unit_path like $1 or c.handling_path like $1
   order by c.reported_at desc, c.id desc
   limit $2`;

function selects(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((n) => n.selectionSet?.selections.some((s) => s.kind === 'Field' && s.name.value === field));
}

async function authenticate(pool: Pool, key: KeyObject, header: string | undefined): Promise<Actor | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  let id = NaN;
  try {
    const payload = match ? jwt.verify(match[1], key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }) : null;
    id = Number(payload && typeof payload === 'object' ? payload.sub : NaN);
  } catch {
    // falls through to the refusal below
  }
  if (!Number.isSafeInteger(id)) throw new GraphQLError('Invalid token: log in again', { extensions: { code: 'UNAUTHENTICATED' } });
  const { rows } = await pool.query<{ id: number; path: string }>(
    'select o.id, u.path from officers o join units u on u.id = o.unit_id where o.id = $1 and o.active',
    [id],
  );
  if (!rows[0]) throw new GraphQLError('This account is no longer active', { extensions: { code: 'UNAUTHENTICATED' } });
  return { id: rows[0].id, unitPath: rows[0].path };
}

export interface Baseline {
  url: string;
  stop(): Promise<void>;
}

/** Starts the baseline on a free port of 127.0.0.1 (or `port`). */
export async function startBaseline(options: { databaseUrl: string; secret: string; poolMax?: number; port?: number }): Promise<Baseline> {
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 10 });
  const key = createSecretKey(Buffer.from(options.secret, 'utf8'));
  const resolvers = {
    Query: {
      cases: async (_: unknown, args: { first: number }, ctx: Context, info: GraphQLResolveInfo) => {
        if (!ctx.actor) throw new GraphQLError('Log in first', { extensions: { code: 'UNAUTHENTICATED' } });
        const first = Math.min(Math.max(args.first, 0), 100);
        const withTotal = selects(info, 'totalCount');
        const { rows } = await pool.query<Row>(PAGE_SQL(withTotal), [likePrefix(ctx.actor.unitPath), first]);
        const total = withTotal && rows[0] ? Number(rows[0].total) : 0;
        return {
          totalCount: total,
          edges: rows.map((r) => ({
            node: {
              number: r.number,
              title: r.title,
              status: r.status,
              dueAt: r.due_at.toISOString(),
              unit: { name: r.unit_name, parent: r.parent_name === null ? null : { name: r.parent_name, parent: null } },
              handlingUnit: { name: r.handling_name, parent: null },
              assignee: r.assignee_name === null ? null : { name: r.assignee_name },
            },
          })),
        };
      },
    },
  };
  const server = new ApolloServer<Context>({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port ?? 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ actor: await authenticate(pool, key, req.headers.authorization) }),
  });
  return {
    url: url.replace(/\/$/, ''),
    stop: async () => {
      await server.stop();
      await pool.end();
    },
  };
}

// Run as a process: BASELINE_DATABASE_URL and JWT_SECRET; prints the line the benchmark waits for.
if (require.main === module) {
  const databaseUrl = process.env.BASELINE_DATABASE_URL;
  const secret = process.env.JWT_SECRET;
  if (!databaseUrl || !secret) {
    console.error('baseline: set BASELINE_DATABASE_URL and JWT_SECRET');
    process.exit(2);
  }
  void startBaseline({ databaseUrl, secret }).then((b) => {
    console.log(`baseline listening on ${b.url}`);
    const stop = () => void b.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
