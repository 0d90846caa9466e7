import { query } from '../../db/sql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Officer, OfficerRole, Unit } from '../../entities';
import { canReadUnit, inJurisdiction, likePrefix, maskPhone, requireOfficer, requireRole } from '../access/access';
import type { Actor, OfficerActor } from '../access/actor';
import { badInput, notFound } from '../errors';
import { unlockPhone } from '../limits/login-throttle';
import { selectRows } from '../read/load';
import { OFFICER_ROW, officerRowOf, type OfficerRow } from '../read/rows';
import { hashPassword } from '../access/password';
import { passwordProblems } from '../access/password-policy';
import { stripBidi } from '../text';

export interface NewOfficer {
  phone: string;
  password: string;
  name: string;
  role: string;
  unitCode: string;
}

const MOBILE = /^1[3-9]\d{9}$/;

/** Checks a new officer's fields; returns every problem at once. */
export function validateNewOfficer(input: NewOfficer): string[] {
  const problems: string[] = [];
  if (!MOBILE.test(input.phone.trim())) problems.push(`phone "${input.phone}" is not an 11-digit mobile number`);
  problems.push(...passwordProblems(input.password, { phone: input.phone.trim() }));
  if (!input.name.trim() || input.name.trim().length > 100) problems.push('name must be 1 to 100 characters');
  if (!Object.values(OfficerRole).includes(input.role as OfficerRole)) {
    problems.push(`role "${input.role}" is not one of ${Object.values(OfficerRole).join(', ')}`);
  }
  return problems;
}

/** Creates an officer (admin CLI, seed). The password is hashed with scrypt; the phone must be new. */
export async function createOfficer(em: EntityManager, input: NewOfficer): Promise<Officer> {
  const problems = validateNewOfficer(input);
  const unit = await em.findOne(Unit, { code: input.unitCode.trim() });
  if (!unit) problems.push(`unit "${input.unitCode}" does not exist: import it first (import-units)`);
  if (await em.count(Officer, { phone: input.phone.trim() })) problems.push(`phone ${input.phone} is already registered`);
  if (problems.length) throw badInput(problems.join('; '), { problems });
  const officer = em.create(Officer, {
    phone: input.phone.trim(),
    name: stripBidi(input.name.trim()),
    role: input.role as OfficerRole,
    unit: unit!,
    passwordHash: await hashPassword(input.password),
  });
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw badInput(`phone ${input.phone} is already registered`);
    throw err;
  }
  return officer;
}

/** An officer the actor may see: anyone in their jurisdiction or in the chain above them. */
export async function getOfficer(em: EntityManager, actor: Actor, id: number): Promise<OfficerRow> {
  const me = requireOfficer(actor);
  const [officer] = await selectRows(em, OFFICER_ROW, 'o', 'where o.id = ?', [id]);
  if (!officer) throw notFound('Officer');
  const [unit] = await query<{ path: string }>(em, 'select path from units where id = ?', [officer.unitId]);
  if (!(officer.id === me.id || canReadUnit(me, unit))) throw notFound('Officer');
  return officer;
}

/**
 * The active officers working at each unit (not below it), by name: whom a case there can
 * be assigned to. Units outside the actor's jurisdiction list nobody. One statement for all units.
 */
export async function loadUnitOfficers(em: EntityManager, actor: Actor, unitIds: readonly number[], first: number): Promise<OfficerRow[][]> {
  const me = requireOfficer(actor);
  if (!unitIds.length) return [];
  const rows = await query<Record<string, unknown>>(
    em,
    `select * from (
       select ${OFFICER_ROW.columns('o')}, row_number() over (partition by o.unit_id order by o.name, o.id) as rn
       from officers o join units u on u.id = o.unit_id
       where o.unit_id = any(?) and o.active and u.path like ?
     ) x where x.rn <= ? order by x.rn`,
    [[...new Set(unitIds)], likePrefix(me.unitPath), first],
  );
  const officers = rows.map(({ rn: _rn, ...r }) => OFFICER_ROW.fromRaw(r));
  return unitIds.map((id) => officers.filter((o) => o.unitId === id));
}

/** Officer phones are shown in full to the officer themself and to admins. */
export function officerPhoneFor(actor: OfficerActor, officer: { id: number; phone: string }): string {
  return actor.id === officer.id || actor.role === OfficerRole.ADMIN ? officer.phone : maskPhone(officer.phone);
}

/** Lifts the login lock (or back-off) of an officer in the admin's jurisdiction; NOT_FOUND otherwise. */
export async function unlockLogin(em: EntityManager, actor: Actor, phone: string): Promise<OfficerRow> {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  const officer = await em.findOne(Officer, { phone: phone.trim() }, { populate: ['unit'] });
  if (!officer || !inJurisdiction(admin, officer.unit.getEntity().path)) throw notFound('Officer');
  await unlockPhone(em, officer.phone);
  return officerRowOf(officer);
}

/**
 * Deactivates or reactivates an officer of the admin's jurisdiction. A deactivated officer cannot log
 * in, and their tokens are refused from the next request on (the token cache hears of the change from
 * the database). An admin cannot deactivate themself: the last admin would lock everyone out.
 */
export async function setOfficerActive(em: EntityManager, actor: Actor, officerId: number, active: boolean): Promise<OfficerRow> {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  const officer = await em.findOne(Officer, { id: officerId }, { populate: ['unit'] });
  if (!officer || !inJurisdiction(admin, officer.unit.getEntity().path)) throw notFound('Officer');
  if (officer.id === admin.id && !active) throw badInput('You cannot deactivate yourself; ask another admin');
  return officerRowOf(await saveActive(em, officer, active));
}

/** The same by phone, for the admin CLI (which trusts its operator); NOT_FOUND for an unknown phone. */
export async function setOfficerActiveByPhone(em: EntityManager, phone: string, active: boolean): Promise<OfficerRow> {
  const officer = await em.findOne(Officer, { phone: phone.trim() });
  if (!officer) throw notFound(`Officer with phone ${phone.trim()}`);
  return officerRowOf(await saveActive(em, officer, active));
}

async function saveActive(em: EntityManager, officer: Officer, active: boolean): Promise<Officer> {
  officer.active = active;
  await em.flush();
  return officer;
}

/** Lifts the login lock on a phone, registered or not (admin CLI); false when it was not throttled. */
export function unlockLoginByPhone(em: EntityManager, phone: string): Promise<boolean> {
  if (!phone.trim()) throw badInput('give the phone to unlock');
  return unlockPhone(em, phone.trim());
}
