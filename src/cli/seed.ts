import { parseArgs } from 'node:util';
import { generate } from '../seed/generator';
import { UsageError, withDatabase } from './run';

const USAGE = `Usage: npm run seed -- [--scale demo|full] [--cases N] [--seed S] [--production]

Fills an EMPTY database with a Lüliang-like data set:
  --scale demo   1 city, 13 counties, 39 townships, a sample of villages and organisations (default)
  --scale full   the city at real size: 161 townships, 3,103 villages/communities,
                 4,274 institutions, 50,556 enterprises
  --cases N      how many cases over the last 12 months (default 400 for demo, 100000 for full; at most 1000000)
  --seed S       random seed (same seed, same data)
  --production   needed when NODE_ENV=production: made-up units, officers and cases go into that
                 database, the five demo accounts get random passwords printed once, and the other
                 officers none anyone knows (the demo password never works in production)`;

void withDatabase(USAGE, async (orm, config) => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scale: { type: 'string', default: 'demo' },
      cases: { type: 'string' },
      seed: { type: 'string' },
      production: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const production = config.env === 'production';
  if (production && !values.production) {
    throw new UsageError(
      'NODE_ENV is production: seeding fills the database with made-up units, officers and cases. Pass --production if that is what you want.',
    );
  }
  if (values.scale !== 'demo' && values.scale !== 'full') throw new UsageError('--scale must be demo or full');
  const cases = values.cases === undefined ? (values.scale === 'full' ? 100_000 : 400) : Number(values.cases);
  if (!Number.isInteger(cases) || cases < 0 || cases > 1_000_000) throw new UsageError('--cases must be a whole number from 0 to 1000000');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
  const em = orm.em.fork();
  const [{ n }] = await em.execute<{ n: number }[]>('select count(*)::int as n from units');
  if (n > 0) {
    throw new UsageError(`The database already holds ${n} units. Seed an empty one: e.g. DATA_DIR=.data/full npm run seed -- --scale full`);
  }
  console.log(`Seeding ${values.scale} scale with ${cases} cases…`);
  const result = await generate(em, { scale: values.scale, cases, now: new Date(), seed, progress: (m) => console.log(`  ${m}`), randomPasswords: production });
  console.log(`Done: ${result.units} units, ${result.officers} officers, ${result.residents} residents, ${result.cases} cases, ${result.events} trail events.`);
  if (result.passwords) {
    console.log('Passwords of the demo accounts, shown this once (only their hashes are stored):');
    for (const p of result.passwords) console.log(`  ${p.phone}  ${p.role.padEnd(11)}  ${p.password}`);
    console.log('The other generated officers have no password anyone knows: create real officers with create-officer.');
  }
});
