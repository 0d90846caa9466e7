import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Router } from 'express';
import type { Attachment } from '../entities';
import type { CaseRow } from '../domain/read/rows';
import { getCase } from '../domain/cases/case.query';
import { fromGlobalId } from '../shared/ids';
import { PHOTO_ROUTE } from '../shared/urls';
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
export function photoRouter(orm: MikroORM, opts: BearerAuth & { uploadDir: string }): Router {
  const router = Router();
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
