import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import * as tar from 'tar';
import type { BackupManifest } from '../../src/db/backup';
import { ADMIN, ROOT, alive, freshDataDir, postmasterPid, runScript, startServer, useDataDir, userEnv, type RunningServer } from '../support/server-process';

/*
 * Backups that restore: `admin backup` while the server serves (and officers keep adding photos),
 * `admin restore` into a fresh DATA_DIR, then the trail verifies, the statistics have no drift, the
 * counts are those of the backup and the photos are back byte for byte; the restored server logs
 * officers in and serves the photos. Bad restores are refused without touching anything, and the
 * nightly job keeps only the newest BACKUP_KEEP files. The compiled CLI and server, embedded PostgreSQL.
 */

const source = useDataDir('backup-src-');
let target = '';
let work = '';
const restoredServers: RunningServer[] = [];

beforeAll(() => {
  target = freshDataDir('backup-dst-');
  work = mkdtempSync(path.join(ROOT, '.data', 'backup-files-'));
});
afterAll(async () => {
  for (const s of restoredServers) await s.stop();
  const pid = target ? postmasterPid(target) : undefined;
  if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
  for (const dir of [target, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const JPEG = (n: number) =>
  Buffer.concat([Buffer.from('ffd8ffe000104a464946000101', 'hex'), Buffer.from(`photo ${n} `.repeat(40)), Buffer.from('ffd9', 'hex')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const admin = (dataDir: string, args: string[], extra: Record<string, string> = {}) => runScript(ADMIN, args, userEnv(dataDir, extra));

/** A client on a DATA_DIR's running embedded PostgreSQL (its port from postmaster.pid). */
async function query<T>(dataDir: string, sql: string): Promise<T[]> {
  const { password } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-credentials.json'), 'utf8')) as { password: string };
  const port = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
  const client = new Client({ connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/sanling` });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const COUNTS = `select (select count(*) from cases)::int as cases, (select count(*) from case_events)::int as events,
  (select count(*) from officers)::int as officers, (select count(*) from units)::int as units,
  (select count(*) from chat_uploads where removed_at is null)::int as photos`;
type Counts = { cases: number; events: number; officers: number; units: number; photos: number };

function manifestOf(file: string): BackupManifest {
  const dir = mkdtempSync(path.join(work, 'unpacked-'));
  tar.x({ file, cwd: dir, sync: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  rmSync(dir, { recursive: true, force: true });
  return manifest;
}

let server: RunningServer;
let token = '';
let caseIds: string[] = [];
const sent = new Map<string, { digest: string; caseId: string }>();

/** An officer adds a photo to a case from the phone: a file, a ledger row and a trail entry in one go. */
async function addPhoto(n: number): Promise<void> {
  const bytes = JPEG(n);
  const caseId = caseIds[n % caseIds.length];
  const res = await fetch(`${server.url}/cases/${caseId}/photos?note=${encodeURIComponent(`现场照片 ${n}`)}`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${token}` },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { attachment: { url: string } };
  sent.set(body.attachment.url.split('/').pop()!, { digest: sha(bytes), caseId });
}

describe('backup while serving, restore into a fresh DATA_DIR', () => {
  let file = '';
  let before: Counts;
  let after: Counts;
  let manifest: BackupManifest;

  beforeAll(async () => {
    server = await source.start({ JOBS: 'off', BACKUP_KEEP: '2' });
    token = await server.login('13800000000');
    const res = await server.gql<{ cases: { edges: { node: { id: string } }[] } }>('{ cases(first: 8) { edges { node { id } } } }', undefined, token);
    caseIds = res.data!.cases.edges.map((e) => e.node.id);
    for (let n = 0; n < 6; n++) await addPhoto(n);
  });

  it('writes a consistent backup while officers keep adding photos', async () => {
    [before] = await query<Counts>(source.dir, COUNTS);
    file = path.join(work, 'city.tar');
    let writing = true;
    let n = 100;
    const writer = (async () => {
      while (writing) await addPhoto(n++);
    })();
    const out = await admin(source.dir, ['backup', file]);
    writing = false;
    await writer;
    expect(out.err).not.toMatch(/Error/);
    expect(out.code).toBe(0);
    expect(out.out).toMatch(/^Backed up \d+ rows in \d+ tables and \d+ photos \([\d.]+ MB\) to .*city\.tar in [\d.]+ s\.$/m);
    expect(n).toBeGreaterThan(100); // the server really was written to meanwhile
    [after] = await query<Counts>(source.dir, COUNTS);
    manifest = manifestOf(file);
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    // One moment between the start and the end of the backup, the same moment for every table.
    expect(rows.cases).toBe(before.cases);
    expect(rows.chat_uploads).toBeGreaterThanOrEqual(before.photos);
    expect(rows.chat_uploads).toBeLessThanOrEqual(after.photos);
    expect(manifest.photos.files).toBe(rows.chat_uploads);
    expect(manifest.photos.missing).toEqual([]);
    expect(manifest.migrations.length).toBeGreaterThan(10);
    expect(manifest.tables.map((t) => t.name)).not.toContain('mikro_orm_migrations');
    // Units come before the cases that refer to them.
    const order = manifest.tables.map((t) => t.name);
    expect(order.indexOf('units')).toBeLessThan(order.indexOf('cases'));
  });

  it('refuses to overwrite a file', async () => {
    const again = await admin(source.dir, ['backup', file]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists: a backup never overwrites a file/);
  });

  it('restores into a fresh DATA_DIR: trail intact, no statistics drift, counts and photos as backed up', async () => {
    const out = await admin(target, ['restore', file]);
    expect(out.err).not.toMatch(/Error/);
    expect(out.code).toBe(0);
    expect(out.out).toMatch(/^Restored .*city\.tar \(taken .* on PostgreSQL [\d.]+.*\): \d+ rows in \d+ tables and \d+ photos in [\d.]+ s\.$/m);

    const trail = await admin(target, ['verify-trail']);
    expect(trail.code).toBe(0);
    expect(trail.out).toMatch(new RegExp(`Checked ${manifest.tables.find((t) => t.name === 'cases')!.rows} cases: every trail intact`));
    const stats = await admin(target, ['rebuild-stats', '--check']);
    expect(stats.code).toBe(0);
    expect(stats.out).toMatch(/ 0 rows differed from the kept ones\./);

    const restored = await startOn(target);
    // The schema is whole again: every index, constraint and trigger as on the original.
    const SCHEMA = `select kind, name, def from (
        select 'index' as kind, indexname as name, indexdef as def from pg_indexes where schemaname = 'public'
        union all select 'constraint', conrelid::regclass || '.' || conname, pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
        union all select 'trigger', tgrelid::regclass || '.' || tgname, tgenabled::text from pg_trigger where not tgisinternal
      ) s order by 1, 2`;
    const [original, copy] = [await query<object>(source.dir, SCHEMA), await query<object>(target, SCHEMA)];
    expect(copy.length).toBeGreaterThan(50);
    expect(copy).toEqual(original);
    const [counts] = await query<Counts>(target, COUNTS);
    const rows = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    expect(counts).toEqual({ cases: rows.cases, events: rows.case_events, officers: rows.officers, units: rows.units, photos: rows.chat_uploads });
    // Every photo of the backup is back, byte for byte, and served to an officer.
    const files = readdirSync(path.join(target, 'uploads')).filter((f) => /^[0-9a-f-]{36}$/.test(f));
    expect(files.length).toBe(rows.chat_uploads);
    const inBackup = [...sent].filter(([id]) => files.includes(id));
    expect(inBackup.length).toBeGreaterThanOrEqual(6);
    for (const [id, { digest }] of inBackup) expect(sha(readFileSync(path.join(target, 'uploads', id)))).toBe(digest);
    const officer = await restored.login('13800000000');
    const [id, { digest, caseId }] = inBackup[0];
    const { data } = await restored.gql<{ node: { attachments: { id: string; url: string }[] } }>(
      'query($id: ID!) { node(id: $id) { ... on Case { attachments { id url } } } }',
      { id: caseId },
      officer,
    );
    const url = data!.node.attachments.find((a) => a.id === id)!.url;
    const photo = await fetch(`${restored.url}${url}`, { headers: { authorization: `Bearer ${officer}` } });
    expect(photo.status).toBe(200);
    expect(sha(Buffer.from(await photo.arrayBuffer()))).toBe(digest);
  });

  it('refuses to restore over data, and a file that is not a backup, and changes nothing', async () => {
    const [counts] = await query<Counts>(target, COUNTS);
    const over = await admin(target, ['restore', file]);
    expect(over.code).toBe(1);
    expect(over.err).toMatch(/the target database is not empty \(its \w+ table has rows\): restore into an empty DATA_DIR or a new database/);
    const junk = path.join(work, 'junk.tar');
    writeFileSync(junk, 'not a backup at all');
    const bad = await admin(freshDir(), ['restore', junk]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/junk\.tar cannot be read as a backup archive/);
    const none = await admin(freshDir(), ['restore']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/restore: give exactly one backup file/);
    expect((await query<Counts>(target, COUNTS))[0]).toEqual(counts);
    // A different file under a photo's name in the uploads directory is never overwritten.
    const [photoId] = [...sent.keys()];
    const clashing = freshDir();
    mkdirSync(path.join(clashing, 'uploads'));
    writeFileSync(path.join(clashing, 'uploads', photoId), 'another photo');
    const clash = await admin(clashing, ['restore', file]);
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(new RegExp(`already holds a different photo ${photoId}: restore into an empty uploads directory`));
    expect(readFileSync(path.join(clashing, 'uploads', photoId), 'utf8')).toBe('another photo');
  });

  it('runs again after a restore killed part-way: photos it already placed are kept', async () => {
    // As a killed restore leaves it: the schema migrated, the load rolled back, some photos placed.
    const dir = freshDir();
    mkdirSync(path.join(dir, 'uploads'));
    const [photoId] = [...sent.keys()];
    copyFileSync(path.join(target, 'uploads', photoId), path.join(dir, 'uploads', photoId));
    const out = await admin(dir, ['restore', file]);
    expect(out.err).not.toMatch(/Error/);
    expect(out.code).toBe(0);
    expect(readdirSync(path.join(dir, 'uploads')).filter((f) => /^[0-9a-f-]{36}$/.test(f)).length).toBe(manifest.photos.files);
  });
});

describe('the nightly backup job', () => {
  it('writes into DATA_DIR/backups and keeps the newest BACKUP_KEEP', async () => {
    const days = ['2026-11-28 02:30', '2026-11-29 02:30', '2026-11-30 02:30'];
    for (const at of days) {
      const out = await admin(source.dir, ['run-job', 'backup', '--at', at], { BACKUP_KEEP: '2' });
      expect(out.code).toBe(0);
      expect(out.out).toMatch(/^Ran backup for /);
    }
    const again = await admin(source.dir, ['run-job', 'backup', '--at', days[2]], { BACKUP_KEEP: '2' });
    expect(again.out).toMatch(/backup already ran for .*: nothing done\. Add --force to run it again\./);
    expect(readdirSync(path.join(source.dir, 'backups')).sort()).toEqual(['sanling-20261129-0230.tar', 'sanling-20261130-0230.tar']);
    // What a backup killed part-way leaves is cleared once a day old; a fresh one may still be running.
    const backups = path.join(source.dir, 'backups');
    const dayOld = new Date(Date.now() - 2 * 86_400_000);
    mkdirSync(path.join(backups, '.sanling-20261101-0230.tar.Ab12Cd'));
    writeFileSync(path.join(backups, 'sanling-20261101-0230.tar.partial'), 'cut short');
    utimesSync(path.join(backups, '.sanling-20261101-0230.tar.Ab12Cd'), dayOld, dayOld);
    utimesSync(path.join(backups, 'sanling-20261101-0230.tar.partial'), dayOld, dayOld);
    writeFileSync(path.join(backups, 'sanling-20261203-0230.tar.partial'), 'still being written');
    const forced = await admin(source.dir, ['run-job', 'backup', '--at', '2026-11-30 02:31', '--force'], { BACKUP_KEEP: '2' });
    expect(forced.code).toBe(0);
    expect(readdirSync(backups).sort()).toEqual(['sanling-20261130-0230.tar', 'sanling-20261130-0231.tar', 'sanling-20261203-0230.tar.partial']);
    const off = await admin(source.dir, ['run-job', 'backup', '--at', '2026-12-01 02:30'], { BACKUP_KEEP: '0' });
    expect(off.out).toMatch(/nightly backups are off/);
    expect(existsSync(path.join(source.dir, 'backups', 'sanling-20261201-0230.tar'))).toBe(false);
  });
});

const extraDirs: string[] = [];
function freshDir(): string {
  const dir = freshDataDir('backup-empty-');
  extraDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of extraDirs) {
    const pid = postmasterPid(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
});

async function startOn(dataDir: string): Promise<RunningServer> {
  const s = await startServer(dataDir, { JOBS: 'off' });
  restoredServers.push(s);
  return s;
}
