import type { MikroORM } from '@mikro-orm/postgresql';
import express, { Router } from 'express';
import { Channel } from '../src/entities';
import type { Clock } from '../src/domain/access/actor';
import type { ConversationEngine } from './engine';
import { takeWebPushes } from './push';
import { BodyError, readChatBody, type ChatBody } from './chat-body';
import { LARGE_BODY, photoBodyLimits } from '../src/shared/body-limits';
import type { UploadBudget } from '../src/domain/limits/upload-budget';

const CONTACT = /^[A-Za-z0-9_-]{8,128}$/;

function bad(res: express.Response, message: string) {
  res.status(400).json({ error: message });
}

/**
 * The web chat channel: POST /chat/api/messages answers {"replies": [...]};
 * GET /chat/api/messages?contact=<id> hands over the pushes queued for that contact.
 */
export function webChatRouter(engine: ConversationEngine, orm: MikroORM, clock: Clock, limits: { budget: UploadBudget; minBytesPerSecond: number }): Router {
  const router = Router();
  // A photo travels as base64 (4 bytes for 3) in a JSON body with a few small fields besides.
  const maxBodyBytes = Math.ceil(engine.maxPhotoBytes / 3) * 4 + LARGE_BODY;
  const photos = photoBodyLimits({
    budget: limits.budget,
    maxBodyBytes,
    minBytesPerSecond: limits.minBytesPerSecond,
    busyReply: { replies: [engine.messages.busy()] },
    tooLargeReply: { replies: [engine.messages.photoTooLarge(Math.round(engine.maxPhotoBytes / 1024 / 1024))] },
  });
  router.post('/chat/api/messages', photos, async (req, res) => {
    if (!req.is('application/json')) return bad(res, 'send the message as JSON (Content-Type: application/json)');
    let body: ChatBody;
    try {
      body = await readChatBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      return res.status(err.status).json({ error: err.message });
    }
    const { from, name, text, id, image } = body.fields;
    if (typeof from !== 'string' || !CONTACT.test(from)) return bad(res, 'from must be the contact id: 8–128 letters, digits, - or _');
    if (name !== undefined && typeof name !== 'string') return bad(res, 'name must be a string');
    if (text !== undefined && text !== null && typeof text !== 'string') return bad(res, 'text must be a string');
    if (id !== undefined && id !== null && (typeof id !== 'string' || id.length > 200)) return bad(res, 'id must be a string of at most 200 characters');
    let img: { bytes: Buffer; mimeType: string; name?: string } | undefined;
    if (image !== undefined && image !== null) {
      const i = image as Record<string, unknown>;
      if (typeof i !== 'object' || !body.photo || typeof i.mimeType !== 'string') {
        return bad(res, 'image must be {"mimeType": "image/jpeg", "data": "<base64>", "name": "…"}');
      }
      img = { bytes: body.photo, mimeType: i.mimeType, name: typeof i.name === 'string' ? i.name : undefined };
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
    if (ack !== undefined && (typeof ack !== 'string' || !/^\d{0,18}$/.test(ack)))
      return bad(res, 'ack must be the id of the last push shown (the ack of the previous answer)');
    const pushes = await takeWebPushes(orm, engine.messages, Channel.WEB_CHAT, contact, clock.now(), ack === undefined ? undefined : ack || null);
    const messages = pushes.map((p) => p.text);
    // `replies` mirrors POST's shape for clients that read both the same way; `ack` goes with the next poll.
    res.json({ messages, replies: messages, ack: pushes.length ? pushes[pushes.length - 1].id : ack || null });
  });
  return router;
}
