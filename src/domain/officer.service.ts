import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Officer, OfficerRole, Unit } from '../entities';
import { canReadUnit, maskPhone, requireOfficer } from './access';
import type { Actor, OfficerActor } from './actor';
import { badInput, notFound } from './errors';
import { hashPassword } from './password';

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
  if (input.password.length < 8) problems.push('password must be at least 8 characters');
  if (input.password.length > 200) problems.push('password must be at most 200 characters');
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
    name: input.name.trim(),
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
export async function getOfficer(em: EntityManager, actor: Actor, id: number): Promise<Officer> {
  const me = requireOfficer(actor);
  const officer = await em.findOne(Officer, { id }, { populate: ['unit'] });
  if (!officer || !(officer.id === me.id || canReadUnit(me, officer.unit.getEntity()))) throw notFound('Officer');
  return officer;
}

/** Officer phones are shown in full to the officer themself and to admins. */
export function officerPhoneFor(actor: OfficerActor, officer: Officer): string {
  return actor.id === officer.id || actor.role === OfficerRole.ADMIN ? officer.phone : maskPhone(officer.phone);
}
