import type { MikroORM } from '@mikro-orm/postgresql';
import express, { Router } from 'express';
import { Channel } from '../src/entities';
import type { Clock } from '../src/domain/actor';
import type { ConversationEngine } from './engine';
import { takeWebPushes } from './push';

const CONTACT = /^[A-Za-z0-9_-]{8,128}$/;
/** Bodies above this carry a photo: they are admitted by photoBodyLimits. */
const LARGE_BODY = 64 * 1024;

function bad(res: express.Response, message: string) {
  res.status(400).json({ error: message });
}

/**
 * The web chat channel: POST /chat/api/messages answers {"replies": [...]};
 * GET /chat/api/messages?contact=<id> hands over the pushes queued for that contact.
 */
export function webChatRouter(engine: ConversationEngine, orm: MikroORM, clock: Clock): Router {
  const router = Router();
  // A photo travels as base64 (4 bytes for 3). Bodies up to twice that are read, so a photo a little
  // too large gets the engine's polite answer rather than a bare 413.
  const maxImageBase64 = Math.ceil(engine.maxPhotoBytes / 3) * 4;
  const maxBodyBytes = 2 * maxImageBase64 + LARGE_BODY;
  const photos = photoBodyLimits({ perAddress: 1, totalBytes: 32 * 1024 * 1024, maxBodyBytes, busyReply: engine.messages.busy() });
  router.post('/chat/api/messages', photos, express.json({ limit: maxBodyBytes }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { from, name, text, id, image } = body;
    if (typeof from !== 'string' || !CONTACT.test(from)) return bad(res, 'from must be the contact id: 8–128 letters, digits, - or _');
    if (name !== undefined && typeof name !== 'string') return bad(res, 'name must be a string');
    if (text !== undefined && text !== null && typeof text !== 'string') return bad(res, 'text must be a string');
    if (id !== undefined && id !== null && (typeof id !== 'string' || id.length > 200)) return bad(res, 'id must be a string of at most 200 characters');
    let img: { bytes: Buffer; mimeType: string; name?: string } | undefined;
    if (image !== undefined && image !== null) {
      const i = image as Record<string, unknown>;
      if (typeof i !== 'object' || typeof i.data !== 'string' || typeof i.mimeType !== 'string') {
        return bad(res, 'image must be {"mimeType": "image/jpeg", "data": "<base64>", "name": "…"}');
      }
      img = { bytes: Buffer.from(i.data, 'base64'), mimeType: i.mimeType, name: typeof i.name === 'string' ? i.name : undefined };
    }
    // Every new contact id is a fresh quota: an address may start only so many per hour (asked by
    // the engine when the contact has no session yet, before anything is written for it).
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const result = await engine.handleOrRefuse({
      channel: Channel.WEB_CHAT,
      contactId: from,
      displayName: typeof name === 'string' ? name : '',
      text: typeof text === 'string' ? text : img ? null : '',
      image: img,
      messageId: typeof id === 'string' ? id : undefined,
      admitNew: () => engine.admitNewContact(Channel.WEB_CHAT, address),
    });
    if ('refused' in result) {
      const window = result.refused;
      res.set('Retry-After', String(window.retryAfterSeconds));
      // `replies` too, so the chat page shows the resident a sentence they can read.
      return res.status(429).json({
        error: `Too many new chat contacts from this address; try again in ${window.retryAfterSeconds} s`,
        retryAfterSeconds: window.retryAfterSeconds,
        replies: [engine.messages.tooManyContacts()],
      });
    }
    const replies = result;
    res.json({ replies });
  });
  router.get('/chat/api/messages', async (req, res) => {
    const contact = req.query.contact;
    if (typeof contact !== 'string' || !CONTACT.test(contact)) return bad(res, 'contact must be the contact id');
    const ack = req.query.ack;
    if (ack !== undefined && (typeof ack !== 'string' || !/^\d{0,18}$/.test(ack))) return bad(res, 'ack must be the id of the last push shown (the ack of the previous answer)');
    const pushes = await takeWebPushes(orm, engine.messages, Channel.WEB_CHAT, contact, clock.now(), ack === undefined ? undefined : ack || null);
    const messages = pushes.map((p) => p.text);
    // `replies` mirrors POST's shape for clients that read both the same way; `ack` goes with the next poll.
    res.json({ messages, replies: messages, ack: pushes.length ? pushes[pushes.length - 1].id : ack || null });
  });
  return router;
}

/**
 * Admits large bodies (photos) before a byte of them is read: each costs several times its size
 * in memory while it is read, decoded and handled, so a flood of them would exhaust the process.
 * One address may have `perAddress` of them in flight, all addresses together `totalBytes`; past
 * that the request is answered at once with 503 and Retry-After, its body never buffered.
 * Small messages pass straight through.
 */
export function photoBodyLimits(opts: { perAddress: number; totalBytes: number; maxBodyBytes: number; busyReply: string }): express.RequestHandler {
  let total = 0;
  const byAddress = new Map<string, number>();
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    // A chunked body of unknown length is counted at the most it may be.
    const length = Number.isFinite(declared) ? declared : opts.maxBodyBytes;
    if (length <= LARGE_BODY) return next();
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const mine = byAddress.get(address) ?? 0;
    if (mine >= opts.perAddress || total + length > opts.totalBytes) {
      res.set('Retry-After', '5');
      res.status(503).json({ error: 'Too many photos are arriving at once; try again in a few seconds', retryAfterSeconds: 5, replies: [opts.busyReply] });
      return;
    }
    total += length;
    byAddress.set(address, mine + 1);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      total -= length;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left) byAddress.set(address, left);
      else byAddress.delete(address);
    };
    res.once('finish', release).once('close', release);
    next();
  };
}
