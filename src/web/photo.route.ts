import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import express, { Router, type RequestHandler } from 'express';
import { Channel, type Attachment } from '../entities';
import type { CaseRow } from '../domain/read/rows';
import { getCase } from '../domain/cases/case.query';
import { addCaseNote } from '../domain/cases/case-steps.service';
import type { Clock, OfficerActor } from '../domain/access/actor';
import type { UploadBudget } from '../domain/limits/upload-budget';
import { photoBodyLimits } from '../shared/body-limits';
import { fromGlobalId } from '../shared/ids';
import { PHOTO_ROUTE, PHOTO_UPLOAD_ROUTE, photoUrl } from '../shared/urls';
import { bearerOfficer, dispositionName, refuse, refuseError, type BearerAuth } from './officer.auth';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A stored type that is not a plain type/subtype is served as opaque bytes.
const MIME = /^[\w.+-]+\/[\w.+-]+$/;

/** The attachment of the case (on the case itself or on one of its trail entries), if it is one. */
async function findAttachment(em: EntityManager, c: CaseRow, id: string): Promise<Attachment | undefined> {
  const own = c.attachments.find((a) => a.id === id);
  if (own) return own;
  const [row] = await em.execute<{ a: Attachment }[]>(
    `select a from case_events e cross join jsonb_array_elements(case when jsonb_typeof(e.data->'attachments') = 'array' then e.data->'attachments' else '[]'::jsonb end) a
     where e.case_id = ? and a->>'id' = ? limit 1`,
    [c.id, id],
  );
  return row?.a;
}

/**
 * GET /cases/:caseId/photos/:attachmentId — a case's stored file, for officers who may read the case.
 * The token comes in the Authorization header only (never the query string, which ends up in logs);
 * anything the officer may not see is the same 404 as what does not exist.
 */
export function photoRouter(orm: MikroORM, opts: BearerAuth & { uploadDir: string; upload: PhotoUploadLimits }): Router {
  const router = Router();
  router.post(PHOTO_UPLOAD_ROUTE, ...photoUpload(orm, opts));
  router.get(PHOTO_ROUTE, async (req, res, next) => {
    try {
      const em = orm.em.fork();
      const officer = await bearerOfficer(em, req, res, opts);
      if (!officer) return;
      const { caseId, attachmentId } = req.params;
      // Checked before anything reaches the file system: a file name is only ever a UUID.
      if (!UUID.test(attachmentId)) return refuse(res, 400, 'attachmentId must be an attachment id (a UUID) from Attachment.id');
      let id: number;
      try {
        id = fromGlobalId(caseId, 'Case').id;
      } catch {
        return refuse(res, 400, 'caseId must be a case’s global id (Case.id)');
      }
      let c: CaseRow;
      try {
        c = await getCase(em, officer, { id });
      } catch (err) {
        if (refuseError(res, err, { NOT_FOUND: 'Photo not found' })) return;
        throw err;
      }
      const attachment = await findAttachment(em, c, attachmentId);
      const file = path.join(opts.uploadDir, attachmentId);
      const info = attachment ? await stat(file).catch(() => undefined) : undefined;
      // Documents recorded by their details only have no file.
      if (!attachment || !info?.isFile()) return refuse(res, 404, 'Photo not found');
      res.set({
        'Content-Type': MIME.test(attachment.mimeType) ? attachment.mimeType : 'application/octet-stream',
        'Content-Length': String(info.size),
        'Content-Disposition': `inline; filename*=UTF-8''${dispositionName(attachment.name || 'photo')}`,
        'X-Content-Type-Options': 'nosniff',
        // A stored file must never run as a page, even when opened directly.
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private',
        Vary: 'Authorization',
      });
      const stream = createReadStream(file);
      stream.on('error', (err) => (res.headersSent ? res.destroy(err) : next(err)));
      stream.pipe(res);
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** What the officers' photo upload may take. */
export interface PhotoUploadLimits {
  clock: Clock;
  /** The largest photo, in bytes. */
  maxBytes: number;
  /** Photo bodies being received at once (shared with the web chat's). */
  budget: UploadBudget;
  minBytesPerSecond: number;
}

/** A photo's type told by its first bytes, whatever the request says: JPEG, PNG or WebP. */
function photoType(bytes: Buffer): string | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length > 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * POST /cases/:caseId/photos — an officer adds a photo taken on site (the workbench sends the
 * camera's picture as the raw body, Content-Type image/jpeg, image/png or image/webp). It is stored
 * and recorded on the trail as a note (its text from `?note=`, 现场照片 by default) in one step: a
 * refused note leaves no file behind. Answers 201 with the attachment and the case's new version.
 */
function photoUpload(orm: MikroORM, opts: BearerAuth & { uploadDir: string; upload: PhotoUploadLimits }): RequestHandler[] {
  const { upload } = opts;
  return [
    photoBodyLimits({ budget: upload.budget, maxBodyBytes: upload.maxBytes, minBytesPerSecond: upload.minBytesPerSecond }),
    async (req, res, next) => {
      try {
        const officer = await bearerOfficer(orm.em.fork(), req, res, opts);
        if (!officer) return;
        res.locals.officer = officer;
        next();
      } catch (err) {
        next(err);
      }
    },
    express.raw({ type: () => true, limit: upload.maxBytes }),
    async (req, res, next) => {
      const officer = res.locals.officer as OfficerActor;
      let id: number;
      try {
        id = fromGlobalId(String(req.params.caseId), 'Case').id;
      } catch {
        return refuse(res, 400, 'caseId must be a case’s global id (Case.id)');
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const mimeType = photoType(body);
      if (!mimeType) return refuse(res, 415, 'Send the photo itself as the body: a JPEG, PNG or WebP image');
      const note = typeof req.query.note === 'string' && req.query.note.trim() ? req.query.note.trim() : '现场照片';
      if (note.length > 200) return refuse(res, 400, 'note is limited to 200 characters');
      const fileId = randomUUID();
      const file = path.join(opts.uploadDir, fileId);
      try {
        await mkdir(opts.uploadDir, { recursive: true });
        await writeFile(file, body, { flag: 'wx' });
        const now = upload.clock.now();
        const name = `现场照片-${now.toISOString().slice(0, 19).replace(/[-:T]/g, '')}.${EXTENSION[mimeType]}`;
        // The uploads ledger knows every stored file (the sweep removes files it does not know), attached to the case at once.
        const c = await orm.em.fork().transactional(async (tx) => {
          const changed = await addCaseNote(tx, officer, { id, note, attachments: [{ name, mimeType, size: body.length, storedId: fileId }] }, now);
          await tx.execute('insert into chat_uploads (id, channel, contact_id, bytes, created_at, case_id) values (?, ?, ?, ?, ?, ?)', [
            fileId,
            Channel.GRAPHQL,
            `officer:${officer.id}`,
            body.length,
            now,
            id,
          ]);
          return changed;
        });
        res
          .status(201)
          .set('Cache-Control', 'no-store')
          .json({ attachment: { id: fileId, name, mimeType, size: body.length, url: photoUrl(id, fileId) }, version: c.version });
      } catch (err) {
        await unlink(file).catch(() => undefined);
        if (refuseError(res, err, { NOT_FOUND: 'Case not found' })) return;
        next(err);
      }
    },
  ];
}
