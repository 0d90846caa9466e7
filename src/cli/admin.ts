import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseCalendarCsv } from '../domain/time/calendar';
import { importCalendar } from '../domain/time/deadline.service';
import { createOfficer, setOfficerActiveByPhone, unlockLoginByPhone } from '../domain/registry/officer.service';
import { verifyAllTrails } from '../domain/cases/trail.service';
import { importStandards, parseStandardsCsv } from '../domain/registry/standards';
import { importUnits, parseUnitCsv } from '../domain/registry/unit-import';
import { KEPT_FIGURES } from '../domain/stats/statistics';
import { UsageError, withDatabase, withServer } from './run';
import { backup, restore } from '../db/backup';
import { appVersion } from '../paths';
import { JOBS } from '../jobs/jobs';
import { runJob } from '../jobs/runner';
import { localMinute, parseLocalTime } from '../domain/time/local-time';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-officer --phone P --password W --name N --role ROLE --unit UNIT_CODE
      ROLE is GRID_WORKER, OFFICER, SUPERVISOR or ADMIN; UNIT_CODE an imported unit's code.
  import-units FILE.csv [--allow-roots]
      CSV (UTF-8) with the header code,name,kind,parent_code; all-or-nothing; known codes are updated.
      One root (the city) unless --allow-roots; each unit below its parent's tier
      (city > county > township > village/community > enterprises and institutions).

  import-calendar FILE.csv
      Holidays and make-up workdays (header date,type,name; type HOLIDAY or WORKDAY), e.g. next year's notice.
  import-standards FILE.csv
      Creation standards (创建标准): CSV (UTF-8) with the header aspect,code,text,weight; aspect one of
      组织领导, 治安防范, 矛盾纠纷化解, 重点人群帮教, 安全隐患整治, 法治建设, 公共服务; all-or-nothing.
      Items are matched by code (known ones updated), the file's order is the scheme's order, and
      items not in the file are left as they are. data/standards-sample.csv is an example.
  verify-trail
      Checks every case's hash-chained trail; lists broken ones and exits 1 if any.
  rebuild-stats [--check]
      Recounts the command centre's statistics from the cases (the database keeps them current; use this
      after loading cases with triggers off). --check also reports rows that differed and exits 1 if any.
  unlock-login --phone P
      Lifts the login lock (and any back-off) on a phone after repeated wrong passwords.
  deactivate-officer --phone P
      The officer can no longer log in, and their tokens are refused from their next request on.
  reactivate-officer --phone P
      Lets a deactivated officer log in again.
  run-job NAME [--at TIME] [--force]
      Runs a scheduled job now, as the worker would at TIME (default: now): ${JOBS.map((j) => j.name).join(', ')}.
      TIME is Beijing time (2026-12-01 08:30, or a date for its midnight) or ISO 8601 with an offset;
      a time in the future only outside production (to see a week of the supervision ladder in a demo).
      Each job runs once per period (minute, day, week, month): a second run of the same period says so
      and does nothing; --force runs it again, for the jobs where that is harmless
      (${JOBS.filter((j) => j.repeatable)
        .map((j) => j.name)
        .join(', ')}).

  backup FILE
      Writes a consistent copy of the database and its photos to FILE (a tar file; it must not exist yet)
      while the server keeps serving. The nightly backup job does the same into BACKUP_DIR.
  restore FILE
      Restores a backup into an empty database: a fresh DATA_DIR (or a new, empty database for
      DATABASE_URL) and its uploads directory. Refuses a database that holds cases, officers or units.
      Check the result with verify-trail and rebuild-stats --check.

Uses DATABASE_URL, or the embedded database in DATA_DIR (default .data), like npm start.`;

const [command, ...rest] = process.argv.slice(2);

const oneFile = (args: string[]) => {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError(`${command}: give exactly one backup file`);
  return args[0];
};
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

if (command === 'restore') {
  // Before any migration: the schema is brought to the backup's own first.
  void withServer(USAGE, async (url, config) => {
    const file = oneFile(rest);
    const started = Date.now();
    const { manifest, migratedAfter } = await restore({ url, uploadDir: config.uploadDir, file, say: (l) => console.log(l) });
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
    console.log(
      `Restored ${file} (taken ${manifest.createdAt} by Sanling ${manifest.appVersion} on PostgreSQL ${manifest.server}): ` +
        `${rows} rows in ${manifest.tables.length} tables and ${manifest.photos.files} photos in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (migratedAfter.length ? `; then applied ${migratedAfter.length} newer migration(s).` : '.'),
    );
    if (manifest.photos.missing.length) console.log(`The backup lacked ${manifest.photos.missing.length} photo(s) gone from the disk when it was taken.`);
    console.log('Check it: npm run admin -- verify-trail && npm run admin -- rebuild-stats --check');
  });
} else
  void withDatabase(USAGE, async (orm, config) => {
    const em = orm.em.fork();
    switch (command) {
      case 'create-officer': {
        const { values } = parseArgs({
          args: rest,
          options: {
            phone: { type: 'string' },
            password: { type: 'string' },
            name: { type: 'string' },
            role: { type: 'string' },
            unit: { type: 'string' },
          },
          strict: true,
        });
        const missing = ['phone', 'password', 'name', 'role', 'unit'].filter((k) => !values[k as keyof typeof values]);
        if (missing.length) throw new UsageError(`create-officer: missing ${missing.map((m) => `--${m}`).join(', ')}`);
        const officer = await createOfficer(em, {
          phone: values.phone!,
          password: values.password!,
          name: values.name!,
          role: values.role!,
          unitCode: values.unit!,
        });
        console.log(`Created officer #${officer.id} ${officer.name} (${officer.role}) at ${values.unit}; log in with phone ${officer.phone}.`);
        return;
      }
      case 'import-units': {
        const { values, positionals } = parseArgs({ args: rest, options: { 'allow-roots': { type: 'boolean' } }, allowPositionals: true, strict: true });
        if (positionals.length !== 1) throw new UsageError('import-units: give exactly one CSV file');
        const file = positionals[0];
        let buf: Buffer;
        try {
          buf = await readFile(file);
        } catch (err) {
          throw new UsageError(`import-units: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
        }
        const result = await importUnits(em, parseUnitCsv(buf), { allowRoots: values['allow-roots'] });
        console.log(`Imported ${file}: ${result.created} units created, ${result.updated} updated.`);
        return;
      }
      case 'import-calendar': {
        if (rest.length !== 1) throw new UsageError('import-calendar: give exactly one CSV file');
        let text: string;
        try {
          text = await readFile(rest[0], 'utf8');
        } catch (err) {
          throw new UsageError(`import-calendar: cannot read ${rest[0]} (${(err as NodeJS.ErrnoException).code})`);
        }
        let entries;
        try {
          entries = parseCalendarCsv(text);
        } catch (err) {
          throw new UsageError(`import-calendar: ${(err as Error).message}`);
        }
        const n = await importCalendar(em, entries);
        console.log(`Imported ${n} calendar days from ${rest[0]}.`);
        return;
      }
      case 'import-standards': {
        if (rest.length !== 1) throw new UsageError('import-standards: give exactly one CSV file');
        let buf: Buffer;
        try {
          buf = await readFile(rest[0]);
        } catch (err) {
          throw new UsageError(`import-standards: cannot read ${rest[0]} (${(err as NodeJS.ErrnoException).code})`);
        }
        const r = await importStandards(em, parseStandardsCsv(buf));
        console.log(
          `Imported ${rest[0]}: ${r.added} items added, ${r.updated} updated, ${r.unchanged} unchanged` +
            (r.notInFile ? `; ${r.notInFile} items not in the file left as they are.` : '.'),
        );
        return;
      }
      case 'unlock-login': {
        const { values } = parseArgs({ args: rest, options: { phone: { type: 'string' } }, strict: true });
        if (!values.phone) throw new UsageError('unlock-login: missing --phone');
        const lifted = await unlockLoginByPhone(em, values.phone);
        console.log(lifted ? `Unlocked login for ${values.phone.trim()}.` : `${values.phone.trim()} was not locked or throttled; nothing to do.`);
        return;
      }
      case 'deactivate-officer':
      case 'reactivate-officer': {
        const { values } = parseArgs({ args: rest, options: { phone: { type: 'string' } }, strict: true });
        if (!values.phone) throw new UsageError(`${command}: missing --phone`);
        const officer = await setOfficerActiveByPhone(em, values.phone, command === 'reactivate-officer');
        console.log(
          `${officer.name} (${officer.phone}, ${officer.role}) is ${officer.active ? 'active again' : 'deactivated: logins and tokens are refused'}.`,
        );
        return;
      }
      case 'verify-trail': {
        const { checked, broken } = await verifyAllTrails(em, (n) => {
          if (n % 100_000 === 0) console.error(`  checked ${n} cases…`);
        });
        for (const b of broken) console.log(`BROKEN case #${b.caseId} at entry ${b.seq}: ${b.reason}`);
        console.log(`Checked ${checked} cases: ${broken.length ? `${broken.length} with a broken trail` : 'every trail intact'}.`);
        if (broken.length) process.exitCode = 1;
        return;
      }
      case 'rebuild-stats': {
        // The trigger keeps the figures current; this recounts them from the cases (after a bulk load
        // with triggers off, or to check them) in one transaction, so readers never see them half done.
        const started = Date.now();
        const compare = rest.includes('--check');
        const diff = await em.transactional(async (tx) => {
          if (compare)
            for (const [table, { kept }] of Object.entries(KEPT_FIGURES))
              await tx.execute(`create temp table kept_${table} on commit drop as select * from ${table} where ${kept}`);
          await tx.execute('select rebuild_case_stats()');
          if (!compare) return 0;
          let differed = 0;
          for (const [table, { key, kept }] of Object.entries(KEPT_FIGURES)) {
            const [{ n }] = await tx.execute<{ n: number }[]>(
              `select count(distinct (${key}))::int as n from ((select * from kept_${table} except all select * from ${table} where ${kept})
               union all (select * from ${table} where ${kept} except all select * from kept_${table})) d`,
            );
            differed += n;
          }
          return differed;
        });
        const [{ rows }] = await em.execute<{ rows: number }[]>('select count(*)::int as rows from case_stats');
        console.log(
          `Recounted the command-centre statistics: ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s.${compare ? ` ${diff} rows differed from the kept ones.` : ''}`,
        );
        if (diff) process.exitCode = 1;
        return;
      }
      case 'run-job': {
        const { values, positionals } = parseArgs({ args: rest, options: { at: { type: 'string' }, force: { type: 'boolean' } }, allowPositionals: true });
        const job = JOBS.find((j) => j.name === positionals[0]);
        if (!job) throw new UsageError(`run-job needs a job name: one of ${JOBS.map((j) => j.name).join(', ')}`);
        const real = new Date();
        const at = values.at === undefined ? real : parseLocalTime(values.at);
        if (!at) throw new UsageError(`--at "${values.at}" is not a time: write 2026-12-01 08:30 (Beijing time) or ISO 8601 with an offset`);
        if (at.getTime() > real.getTime() + 60_000 && config.env === 'production') {
          throw new UsageError('--at lies in the future: in production a job runs at the present or for a past time only');
        }
        if (values.force && !job.repeatable) {
          throw new UsageError(
            `--force is only for jobs that may run twice for a period (${JOBS.filter((j) => j.repeatable)
              .map((j) => j.name)
              .join(', ')}); ${job.name} would send its pushes or letters again`,
          );
        }
        const period = job.period(at);
        if (values.force) await em.execute('delete from job_runs where job = ? and period = ?', [job.name, period]);
        const outcome = await runJob(orm, job, { now: () => at }, {}, { campaign: config.campaign, backup: config.backup });
        if (outcome.ran) console.log(`Ran ${job.name} for ${period} (at ${localMinute(at)} Beijing time): ${JSON.stringify(outcome.result)}`);
        else {
          const [done] = await em.execute<{ finished_at: Date | null }[]>('select finished_at from job_runs where job = ? and period = ?', [job.name, period]);
          console.log(
            `${job.name} already ran for ${period}${done?.finished_at ? ` (finished ${localMinute(new Date(done.finished_at))} Beijing time)` : ''}: nothing done.` +
              (job.repeatable ? ' Add --force to run it again.' : ''),
          );
        }
        return;
      }
      case 'backup': {
        const file = oneFile(rest);
        const started = Date.now();
        const m = await backup({ url: orm.config.get('clientUrl')!, uploadDir: config.uploadDir, file, appVersion: appVersion() });
        const rows = m.tables.reduce((n, t) => n + t.rows, 0);
        console.log(
          `Backed up ${rows} rows in ${m.tables.length} tables and ${m.photos.files} photos (${mb(m.photos.bytes)}) to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
        if (m.photos.missing.length)
          console.log(`Warning: ${m.photos.missing.length} photo(s) the database refers to were not on the disk: ${m.photos.missing.join(', ')}`);
        return;
      }
      default:
        throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
    }
  });
