import { constants, createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import * as tar from 'tar';
import { MIGRATIONS } from '../../migrations';
import { dropIndexesForLoad, rebuildIndexes } from './load-indexes';
import { initOrm, ormOptions } from './orm';

/*
 * A backup is one tar file: manifest.json (what is inside, and the migrations the data belongs to),
 * tables/NAME.tsv.gz (each of our tables in COPY's text format, gzipped) and photos/ID (the chat and
 * case photos the database refers to). The tables are read in one REPEATABLE READ transaction, so
 * the copy is a single consistent moment even while the server keeps writing; the photos are those
 * that moment refers to. It is logical, not physical: it restores onto any PostgreSQL the product
 * supports (the embedded 18 or an external 15), whatever either one's version.
 */

export const BACKUP_FORMAT = 'sanling-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** Bookkeeping of the schema, not data: a restored database keeps its own. */
const NOT_DATA = new Set(['mikro_orm_migrations', 'sql_definitions']);
/** Every session reads and writes values the same way, whatever the server's defaults. */
const SESSION = `set datestyle = 'ISO, YMD'; set timezone = 'UTC'; set intervalstyle = 'postgres'; set extra_float_digits = 3; set client_encoding = 'UTF8'`;

/** A backup or restore that cannot go on, with a message for the operator. */
export class BackupError extends Error {}

export interface TableEntry {
  name: string;
  columns: string[];
  rows: number;
  file: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  appVersion: string;
  /** PostgreSQL's version where it was taken. */
  server: string;
  /** Migrations applied to the data, in order. */
  migrations: string[];
  /** In an order that satisfies foreign keys: a table comes after those it refers to. */
  tables: TableEntry[];
  /** Sequence positions (bigint as text; null for one never used). */
  sequences: { name: string; value: string | null }[];
  photos: { files: number; bytes: number; missing: string[] };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface TableInfo {
  name: string;
  columns: string[];
  refs: string[];
}

/** Our tables, parents before the tables that refer to them as far as a cycle of references allows. */
async function tablesInOrder(client: Client): Promise<TableInfo[]> {
  const { rows } = await client.query<TableInfo>(
    `select c.relname as name,
            array(select a.attname from pg_attribute a
                   where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                   order by a.attnum)::text[] as columns,
            array(select distinct r.relname from pg_constraint k join pg_class r on r.oid = k.confrelid
                   where k.conrelid = c.oid and k.contype = 'f' and k.confrelid <> c.oid)::text[] as refs
       from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and not c.relispartition
      order by c.relname`,
  );
  const pending = rows.filter((t) => !NOT_DATA.has(t.name));
  const names = new Set(pending.map((t) => t.name));
  const placed = new Set<string>();
  const order: TableInfo[] = [];
  while (pending.length) {
    // Next, the table with the fewest references to tables not yet placed: none, unless they form a
    // cycle (units and officers), where no order satisfies every key and the restore checks them at its end.
    const waiting = pending.map((t) => t.refs.filter((r) => names.has(r) && !placed.has(r)).length);
    const [t] = pending.splice(waiting.indexOf(Math.min(...waiting)), 1);
    placed.add(t.name);
    order.push(t);
  }
  return order;
}

/** A photo into the staging directory: a hard link where it can be, else a copy. */
async function stagePhoto(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    await copyFile(from, to);
  }
}

export interface BackupOptions {
  url: string;
  uploadDir: string;
  file: string;
  appVersion: string;
}

/** Writes a consistent backup of the database and its photos to `file` (which must not exist yet). */
export async function backup(opts: BackupOptions): Promise<BackupManifest> {
  const target = path.resolve(opts.file);
  if (existsSync(target)) throw new BackupError(`${opts.file} already exists: a backup never overwrites a file, give a new name`);
  await mkdir(path.dirname(target), { recursive: true });
  const staging = await mkdtemp(path.join(path.dirname(target), `.${path.basename(target)}.`));
  const partial = `${target}.partial`;
  try {
    const client = new Client({ connectionString: opts.url, application_name: 'sanling-backup' });
    await client.connect();
    let manifest: BackupManifest;
    let photoIds: string[];
    try {
      await client.query(SESSION);
      // Every read below sees the same snapshot, taken at the first statement.
      await client.query('begin isolation level repeatable read read only');
      const migrations = (await client.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((r) => r.name);
      await mkdir(path.join(staging, 'tables'));
      const tables: TableEntry[] = [];
      for (const t of await tablesInOrder(client)) {
        const file = `tables/${t.name}.tsv.gz`;
        const source = client.query(copyTo(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) to stdout`));
        await pipeline(source, createGzip({ level: 4 }), createWriteStream(path.join(staging, file), { mode: 0o600 }));
        tables.push({ name: t.name, columns: t.columns, rows: source.rowCount, file });
      }
      photoIds = (await client.query<{ id: string }>('select id::text as id from chat_uploads where removed_at is null order by id')).rows.map((r) => r.id);
      // Read last: a sequence is not part of the snapshot, and a later position only leaves a gap.
      const sequences = (
        await client.query<{ name: string; value: string | null }>(
          'select sequencename as name, last_value::text as value from pg_sequences where schemaname = current_schema() order by 1',
        )
      ).rows;
      const server = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
      await client.query('commit');
      manifest = {
        format: BACKUP_FORMAT,
        version: BACKUP_FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        appVersion: opts.appVersion,
        server,
        migrations,
        tables,
        sequences,
        photos: { files: 0, bytes: 0, missing: [] },
      };
    } finally {
      await client.end().catch(() => undefined);
    }
    await mkdir(path.join(staging, 'photos'));
    for (const id of photoIds) {
      try {
        await stagePhoto(path.join(opts.uploadDir, id), path.join(staging, 'photos', id));
        manifest.photos.files++;
        manifest.photos.bytes += (await stat(path.join(staging, 'photos', id))).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        // Swept (or lost) since the snapshot: the backup says so rather than failing.
        manifest.photos.missing.push(id);
      }
    }
    await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await tar.c({ file: partial, cwd: staging, portable: true, mode: 0o600 } as tar.TarOptionsWithAliasesFile, ['manifest.json', 'tables', 'photos']);
    // Only a finished file gets the name: a crash leaves a .partial, never a truncated backup.
    await rename(partial, target);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** Reads and checks the manifest of an unpacked backup. */
async function readManifest(dir: string, file: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${file} is not a Sanling backup (no readable manifest.json inside)`);
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Sanling backup (its manifest names format "${String(manifest.format)}")`);
  if (manifest.version > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      `${file} was written in backup format ${manifest.version} by Sanling ${manifest.appVersion}; this version reads format ${BACKUP_FORMAT_VERSION}: restore with that release or later`,
    );
  }
  for (const t of manifest.tables) {
    if (!existsSync(path.join(dir, t.file))) throw new BackupError(`${file} is incomplete: ${t.file} is missing`);
  }
  return manifest;
}

/** Unpacks a backup into a fresh directory; rejects what is not a tar file. */
async function unpack(file: string, into: string): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  try {
    await tar.x({ file, cwd: into, strict: true });
  } catch (err) {
    throw new BackupError(`${file} cannot be read as a backup archive: ${(err as Error).message}`);
  }
}

export interface RestoreOptions {
  url: string;
  uploadDir: string;
  file: string;
  /** Progress lines for the operator. */
  say?: (line: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Migrations newer than the backup, applied after its data went in. */
  migratedAfter: string[];
}

/**
 * Restores a backup into an empty database (a fresh DATA_DIR, or a new database for DATABASE_URL)
 * and its photos into the uploads directory: the schema is brought to the backup's migrations, every
 * table is loaded in one transaction (all or nothing, triggers off: the derived figures come from
 * the backup as they were), sequences are set, and migrations newer than the backup run last.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const say = opts.say ?? (() => undefined);
  const file = path.resolve(opts.file);
  const workDir = path.dirname(path.resolve(opts.uploadDir));
  await mkdir(workDir, { recursive: true });
  const staging = await mkdtemp(path.join(workDir, '.restore-'));
  const placed: string[] = [];
  try {
    await unpack(file, staging);
    const manifest = await readManifest(staging, opts.file);
    const known = MIGRATIONS.map((m) => m.name);
    const unknown = manifest.migrations.filter((m) => !known.includes(m));
    if (unknown.length) {
      throw new BackupError(
        `the backup was made by a newer Sanling (${manifest.appVersion}) with migrations this version lacks (${unknown.join(', ')}): restore with that release or later`,
      );
    }
    await checkEmpty(opts.url, manifest);
    const migrator = await MikroORM.init(ormOptions({ url: opts.url, poolMax: 2 }));
    try {
      const last = manifest.migrations[manifest.migrations.length - 1];
      if (last) {
        const applied = await migrator.getMigrator().up({ to: last });
        if (applied.length) say(`schema brought to the backup's ${manifest.migrations.length} migrations`);
      }
    } finally {
      await migrator.close(true);
    }
    placed.push(...(await placePhotos(path.join(staging, 'photos'), opts.uploadDir)));
    say(`photos: ${placed.length} placed in ${opts.uploadDir}`);
    await loadTables(opts.url, staging, manifest, say);
    // Migrations newer than the backup, and the statistics' functions, as at any start.
    const orm = await initOrm({ url: opts.url, poolMax: 2 });
    const after = known.slice(known.indexOf(manifest.migrations[manifest.migrations.length - 1] ?? '') + 1);
    await orm.close(true);
    return { manifest, migratedAfter: after };
  } catch (err) {
    // Nothing half done: photos placed for a load that failed go again.
    for (const p of placed) await unlink(p).catch(() => undefined);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Refuses a database that holds data or is ahead of the backup. */
async function checkEmpty(url: string, manifest: BackupManifest): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>(`select to_regclass('mikro_orm_migrations')::text as t`);
    if (!rows[0].t) return;
    const applied = (await client.query<{ name: string }>('select name from mikro_orm_migrations order by id')).rows.map((r) => r.name);
    const ahead = applied.filter((m) => !manifest.migrations.includes(m));
    if (ahead.length) {
      throw new BackupError(
        `the target database already has migrations the backup predates (${ahead.join(', ')}): restore into an empty DATA_DIR or a new database`,
      );
    }
    for (const table of ['cases', 'officers', 'units']) {
      const exists = (await client.query<{ t: string | null }>('select to_regclass($1)::text as t', [table])).rows[0].t;
      if (!exists) continue;
      const { rowCount } = await client.query(`select 1 from ${ident(table)} limit 1`);
      if (rowCount) {
        throw new BackupError(
          `the target database is not empty (its ${table} table has rows): restore into an empty DATA_DIR or a new database, never over live data`,
        );
      }
    }
  } finally {
    await client.end();
  }
}

/** Same bytes in both files. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([readFile(a), readFile(b)]);
  return x.equals(y);
}

/**
 * Moves the backup's photos into the uploads directory and answers those it placed. One already
 * there with the same bytes is kept (a restore killed part-way is simply run again); a different
 * one is never overwritten.
 */
async function placePhotos(from: string, uploadDir: string): Promise<string[]> {
  const all = existsSync(from) ? await readdir(from) : [];
  await mkdir(uploadDir, { recursive: true });
  const names: string[] = [];
  for (const n of all) {
    const there = path.join(uploadDir, n);
    if (!existsSync(there)) names.push(n);
    else if (!(await sameFile(path.join(from, n), there))) {
      throw new BackupError(`${uploadDir} already holds a different photo ${n}: restore into an empty uploads directory`);
    }
  }
  const placed: string[] = [];
  for (const name of names) {
    const to = path.join(uploadDir, name);
    try {
      await rename(path.join(from, name), to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(path.join(from, name), to, constants.COPYFILE_EXCL);
    }
    placed.push(to);
  }
  return placed;
}

/** Every table in one transaction: emptied, loaded in foreign-key order, counted against the manifest. */
async function loadTables(url: string, dir: string, manifest: BackupManifest, say: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'sanling-restore' });
  await client.connect();
  try {
    await client.query(SESSION);
    await client.query('begin');
    const names = manifest.tables.map((t) => ident(t.name));
    // Indexes are built once the rows are in, foreign keys checked once with one query each (both
    // by the load's end; DDL is transactional, so a failure restores them): row by row, a million
    // cases took four minutes more. Tables that refer to each other (units and their officers) then
    // load in any order.
    const indexes = await dropIndexesForLoad(
      client,
      manifest.tables.map((t) => t.name),
    );
    const keys = (
      await client.query<{ tbl: string; name: string; def: string }>(
        `select k.conrelid::regclass::text as tbl, k.conname as name, pg_get_constraintdef(k.oid) as def from pg_constraint k
          where k.contype = 'f' and k.connamespace = current_schema()::regnamespace`,
      )
    ).rows;
    for (const k of keys) await client.query(`alter table ${k.tbl} drop constraint ${ident(k.name)}`);
    // The triggers that keep derived figures would count every row twice: those figures are in the backup.
    for (const n of names) await client.query(`alter table ${n} disable trigger user`);
    // Rows a migration put in (defaults) give way to the backup's.
    if (names.length) await client.query(`truncate ${names.join(', ')}`);
    for (const t of manifest.tables) {
      const sink = client.query(copyFrom(`copy ${ident(t.name)} (${t.columns.map(ident).join(', ')}) from stdin`));
      try {
        await pipeline(createReadStream(path.join(dir, t.file)), createGunzip(), sink);
      } catch (err) {
        throw new BackupError(`table ${t.name} could not be loaded: ${(err as Error).message}`);
      }
      if (sink.rowCount !== t.rows) throw new BackupError(`table ${t.name}: the backup lists ${t.rows} rows but holds ${sink.rowCount}`);
      if (t.rows) say(`  ${t.name}: ${t.rows} rows`);
    }
    for (const s of manifest.sequences) {
      if (s.value !== null) await client.query('select setval($1::regclass, $2::bigint, true)', [ident(s.name), s.value]);
    }
    say(`  building ${indexes.length} indexes`);
    await rebuildIndexes([client], indexes);
    try {
      for (const k of keys) await client.query(`alter table ${k.tbl} add constraint ${ident(k.name)} ${k.def}`);
    } catch (err) {
      throw new BackupError(`the backup's rows do not fit together: ${(err as Error).message}`);
    }
    for (const n of names) await client.query(`alter table ${n} enable trigger user`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** Backups in `dir` written by the scheduled job, newest first. */
export async function scheduledBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => /^sanling-\d{8}-\d{4}\.tar$/.test(n))
    .sort()
    .reverse();
}

/**
 * Removes the scheduled backups beyond the newest `keep`, and what a backup killed part-way left
 * (its .partial file, its staging directory) once a day old; answers the backups removed.
 */
export async function pruneBackups(dir: string, keep: number, now = Date.now()): Promise<string[]> {
  const old = (await scheduledBackups(dir)).slice(keep);
  for (const n of old) await rm(path.join(dir, n), { force: true });
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (!/^sanling-\d{8}-\d{4}\.tar\.partial$|^\.sanling-\d{8}-\d{4}\.tar\./.test(n)) continue;
    const st = await stat(path.join(dir, n)).catch(() => undefined);
    if (st && now - st.mtimeMs > 86_400_000) await rm(path.join(dir, n), { recursive: true, force: true });
  }
  return old;
}
