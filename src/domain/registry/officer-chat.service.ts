import { createHash, randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, Officer, type Channel } from '../../entities';
import { requireOfficer } from '../access/access';
import type { Actor } from '../access/actor';
import { workloadSql } from '../cases/workload';

// No 0/O, 1/I/L: easy to read off a screen and type into a chat.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const CODE_TTL_MS = 10 * 60_000;

const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/** A one-time code (8 characters, 10 minutes) the officer sends to the bot to bind that chat to them. */
export async function issueBindingCode(em: EntityManager, actor: Actor, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const me = requireOfficer(actor);
  const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  await em.nativeUpdate(Officer, { id: me.id }, { bindingCodeHash: hash(code), bindingCodeExpiresAt: expiresAt });
  return { code, expiresAt };
}

/** Binds a chat contact to the officer whose unexpired code this is; the code works once. */
export async function bindChatContact(em: EntityManager, channel: Channel, contactId: string, code: string, now: Date): Promise<Officer | undefined> {
  const normalized = code.trim().toUpperCase();
  if (!new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`).test(normalized)) return undefined;
  const officer = await em.findOne(Officer, { bindingCodeHash: hash(normalized), bindingCodeExpiresAt: { $gt: now }, active: true });
  if (!officer) return undefined;
  const contact = `${channel}:${contactId}`;
  // A chat belongs to one officer: a new binding takes it from whoever had it.
  await em.nativeUpdate(Officer, { chatContact: contact, id: { $ne: officer.id } }, { chatContact: null });
  officer.chatContact = contact;
  officer.bindingCodeHash = undefined;
  officer.bindingCodeExpiresAt = undefined;
  await em.flush();
  return officer;
}

/** The active officer bound to a chat contact, if any. */
export async function officerForContact(em: EntityManager, channel: Channel, contactId: string): Promise<Officer | undefined> {
  return (await em.findOne(Officer, { chatContact: `${channel}:${contactId}`, active: true }, { populate: ['unit'] })) ?? undefined;
}

/** 待办: open cases assigned to the officer, and for officers and above those handled at their unit. */
export async function officerTodo(em: EntityManager, officer: Officer, limit = 10): Promise<Case[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select c.* from cases c where c.id in (select id from (${workloadSql('c.id as id', 'o.id = ?')}) w) order by c.due_at, c.id limit ?`,
    [officer.id, officer.id, limit],
  );
  return rows.map((r) => em.map(Case, r));
}
