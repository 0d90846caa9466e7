import { mkdir, readdir, readFile, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Channel } from '../src/entities';
import { logger } from '../src/logger';

/** Why a photo was not stored: the contact's or everyone's daily quota, or no room on the disk. */
export type PhotoRefusal = 'contact-quota' | 'total-quota' | 'no-space';

/** Writes one file; injectable so a full disk can be simulated. */
export type FileWriter = (file: string, bytes: Buffer) => Promise<void>;

export interface UploadStoreOptions {
  dir: string;
  /** Bytes one contact may store per rolling 24 hours. */
  perContactBytes: number;
  /** Bytes all contacts together may store per rolling 24 hours. */
  totalBytes: number;
  /** Free space the disk must keep (the database may share it). */
  minFreeBytes: number;
  writer?: FileWriter;
}

const DAY_MS = 24 * 3600_000;
/** Files and rows younger than this may belong to a request still in flight. */
const GRACE_MS = 10 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MARKER = '.sanling-uploads';
// Serializes quota checks of concurrent photo messages, so together they cannot overshoot.
const QUOTA_LOCK = 730_526_112_901;

const writeExclusive: FileWriter = (file, bytes) => writeFile(file, bytes, { mode: 0o640, flag: 'wx' });

/**
 * Chat photos on disk with a ledger (chat_uploads) in the database: quotas are indexed sums over
 * the last 24 hours, a file is written only inside the transaction that records it, and files no
 * dialog or case uses any more are swept.
 */
export class UploadStore {
  readonly dir: string;
  private readonly writer: FileWriter;

  constructor(private readonly opts: UploadStoreOptions) {
    this.dir = opts.dir;
    this.writer = opts.writer ?? writeExclusive;
  }

  file(id: string): string {
    return path.join(this.dir, id);
  }

  /**
   * Stores a photo within the caller's transaction (after dedupe and rate limit): quota, free space,
   * write, ledger row. The caller removes the file again if its transaction fails.
   */
  async store(em: EntityManager, channel: Channel, contactId: string, id: string, bytes: Buffer, now: Date): Promise<'stored' | PhotoRefusal> {
    await em.execute('select pg_advisory_xact_lock(?)', [QUOTA_LOCK]);
    const since = new Date(now.getTime() - DAY_MS);
    const [sums] = await em.execute<{ contact: string; total: string }[]>(
      `select (select coalesce(sum(bytes), 0) from chat_uploads where channel = ? and contact_id = ? and created_at > ?) as contact,
              (select coalesce(sum(bytes), 0) from chat_uploads where created_at > ?) as total`,
      [channel, contactId, since, since],
    );
    if (Number(sums.contact) + bytes.length > this.opts.perContactBytes) return 'contact-quota';
    if (Number(sums.total) + bytes.length > this.opts.totalBytes) return 'total-quota';
    try {
      await mkdir(this.dir, { recursive: true });
      const fs = await statfs(this.dir);
      // The margin is what must stay free for the database; a photo that does not fit fails below with ENOSPC.
      if (fs.bavail * fs.bsize < this.opts.minFreeBytes) {
        logger.warn(`chat uploads: less than ${Math.round(this.opts.minFreeBytes / 1048576)} MB free in the uploads directory; photos are refused`);
        return 'no-space';
      }
      await this.writer(this.file(id), bytes);
    } catch (err) {
      // ENOSPC, EDQUOT, a read-only or vanished directory: the message goes on without its photo.
      logger.error({ err }, `chat uploads: could not store a photo (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      await this.discard(id);
      return 'no-space';
    }
    await em.execute('insert into chat_uploads (id, channel, contact_id, bytes, created_at) values (?, ?, ?, ?, ?)', [
      id,
      channel,
      contactId,
      bytes.length,
      now,
    ]);
    return 'stored';
  }

  /** Forgets a photo the dialog did not keep (inside the transaction) and removes its file. */
  async drop(em: EntityManager, id: string): Promise<void> {
    await em.execute('delete from chat_uploads where id = ?', [id]);
    await this.discard(id);
  }

  async discard(id: string): Promise<void> {
    await unlink(this.file(id)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') logger.warn({ err }, `chat uploads: could not remove ${id}`);
    });
  }

  /**
   * Removes what nobody uses: photos never attached to a case whose dialog is over, files without a
   * ledger row (left by a crashed request), ledger rows of removed files older than the quota window.
   */
  async sweep(orm: MikroORM, now: Date, sessionTtlMs: number): Promise<{ unattached: number; orphans: number }> {
    const em = orm.em.fork();
    const removed = await em.execute<{ id: string }[]>(
      `update chat_uploads u set removed_at = ? where u.case_id is null and u.removed_at is null and u.created_at < ?
         and not exists (select 1 from chat_sessions s where s.channel = u.channel and s.contact_id = u.contact_id and s.updated_at > ?
                         and s.state->'draft'->'photos' @> jsonb_build_array(jsonb_build_object('id', u.id::text)))
       returning u.id`,
      [now, new Date(now.getTime() - GRACE_MS), new Date(now.getTime() - sessionTtlMs)],
    );
    for (const { id } of removed) await this.discard(id);
    await em.execute('delete from chat_uploads where removed_at is not null and created_at < ?', [new Date(now.getTime() - DAY_MS)]);
    return { unattached: removed.length, orphans: await this.sweepOrphanFiles(em) };
  }

  /** Files on disk with no live ledger row; only in a directory this database owns (see claim). */
  private async sweepOrphanFiles(em: EntityManager): Promise<number> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => UUID.test(n));
    const known = new Set(
      names.length
        ? (await em.execute<{ id: string }[]>('select id::text as id from chat_uploads where id in (?) and removed_at is null', [names])).map((r) => r.id)
        : [],
    );
    if (!(await this.claim(em, names, known))) return 0;
    // File times are wall-clock times, whatever clock the engine runs on.
    const cutoff = Date.now() - GRACE_MS;
    let swept = 0;
    for (const name of names) {
      if (known.has(name)) continue;
      const st = await stat(this.file(name)).catch(() => undefined);
      if (!st || st.mtimeMs > cutoff) continue;
      await this.discard(name);
      swept++;
    }
    if (swept) logger.info(`chat uploads: removed ${swept} file(s) no message or case refers to`);
    return swept;
  }

  /**
   * Whether this database owns the directory, so files it has no row for are really orphans (a
   * directory shared with another database must not be emptied). An unmarked directory is claimed
   * when it holds no photo yet, or when this database knows at least one of them.
   */
  private async claim(em: EntityManager, names: string[], known: Set<string>): Promise<boolean> {
    const db = { id: await databaseIdentity(em) };
    const marker = path.join(this.dir, MARKER);
    const owner = await readFile(marker, 'utf8').catch(() => undefined);
    if (owner !== undefined) {
      if (owner.trim() === db.id) return true;
      logger.warn(`chat uploads: ${this.dir} belongs to another database; files without a record are left alone`);
      return false;
    }
    if (names.length && !known.size) {
      logger.warn(`chat uploads: ${this.dir} holds photos this database does not know; files without a record are left alone`);
      return false;
    }
    await mkdir(this.dir, { recursive: true });
    await writeFile(marker, `${db.id}\n`);
    return true;
  }
}

/** Links the photos of a filed report to its case, so the sweep keeps them. */
export async function linkUploads(em: EntityManager, ids: string[], caseId: number): Promise<void> {
  const valid = ids.filter((id) => UUID.test(id));
  if (valid.length) await em.execute('update chat_uploads set case_id = ? where id in (?)', [caseId, valid]);
}

/** The cluster's system identifier (when the role may read it) and the database's name and oid. */
async function databaseIdentity(em: EntityManager): Promise<string> {
  const [db] = await em.execute<{ id: string }[]>(`select current_database() || '/' || oid::text as id from pg_database where datname = current_database()`);
  const system = await em
    .execute<{ id: string }[]>('select system_identifier::text as id from pg_control_system()')
    .then(([r]) => r.id)
    .catch(() => 'cluster');
  return `${system}/${db.id}`;
}
