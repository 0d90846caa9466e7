import type { MikroORM } from '@mikro-orm/postgresql';
import express, { Router } from 'express';
import { Channel } from '../src/entities';
import type { Clock } from '../src/domain/actor';
import type { ConversationEngine } from './engine';
import { takeWebPushes } from './push';

const CONTACT = /^[A-Za-z0-9_-]{8,128}$/;
const MAX_IMAGE_BASE64 = 8 * 1024 * 1024;

function bad(res: express.Response, message: string) {
  res.status(400).json({ error: message });
}

/**
 * The web chat channel (DESIGN §5): POST /chat/api/messages answers {"replies": [...]};
 * GET /chat/api/messages?contact=<id> hands over the pushes queued for that contact.
 */
export function webChatRouter(engine: ConversationEngine, orm: MikroORM, clock: Clock): Router {
  const router = Router();
  router.post('/chat/api/messages', express.json({ limit: '10mb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { from, name, text, id, image } = body;
    if (typeof from !== 'string' || !CONTACT.test(from)) return bad(res, 'from must be the contact id: 8–128 letters, digits, - or _');
    if (name !== undefined && typeof name !== 'string') return bad(res, 'name must be a string');
    if (text !== undefined && text !== null && typeof text !== 'string') return bad(res, 'text must be a string');
    if (id !== undefined && id !== null && (typeof id !== 'string' || id.length > 200)) return bad(res, 'id must be a string of at most 200 characters');
    let img: { bytes: Buffer; mimeType: string; name?: string } | undefined;
    if (image !== undefined && image !== null) {
      const i = image as Record<string, unknown>;
      if (typeof i !== 'object' || typeof i.data !== 'string' || typeof i.mimeType !== 'string' || i.data.length > MAX_IMAGE_BASE64) {
        return bad(res, 'image must be {"mimeType": "image/jpeg", "data": "<base64>", "name": "…"} under 6 MB');
      }
      img = { bytes: Buffer.from(i.data, 'base64'), mimeType: i.mimeType, name: typeof i.name === 'string' ? i.name : undefined };
    }
    const replies = await engine.handle({
      channel: Channel.WEB_CHAT,
      contactId: from,
      displayName: typeof name === 'string' ? name : '',
      text: typeof text === 'string' ? text : img ? null : '',
      image: img,
      messageId: typeof id === 'string' ? id : undefined,
    });
    res.json({ replies });
  });
  router.get('/chat/api/messages', async (req, res) => {
    const contact = req.query.contact;
    if (typeof contact !== 'string' || !CONTACT.test(contact)) return bad(res, 'contact must be the contact id');
    const messages = await takeWebPushes(orm, engine.messages, Channel.WEB_CHAT, contact, clock.now());
    // `replies` mirrors POST's shape for clients that read both the same way.
    res.json({ messages, replies: messages });
  });
  return router;
}
