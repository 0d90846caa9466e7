import { CaseKind } from '../../entities';

/*
 * The three zeros (三零), the one home of the rule. A unit keeps a zero in a month unless a case of
 * the month broke it: 零上访 is broken by a petition or dispute that went beyond the unit (越级,
 * escalation BEYOND_UNIT; REQUIRES_HIGHER_AUTHORITY does not count) in that month; 零事故 by an
 * accident reported that month; 零案件 by a criminal or public-order case reported that month. A unit
 * is zero when it keeps all three. Rejected and merged cases count nowhere (UNCOUNTED_STATUSES).
 *
 * The statistics kept by the database judge the same rule through SQL functions generated here
 * (ZERO_RULE_SQL, applied with the statistics: src/domain/stats/statistics.ts).
 */

/** The zeros a unit keeps in a month. */
export enum ZeroRule {
  PETITION = 'PETITION',
  ACCIDENT = 'ACCIDENT',
  CASE = 'CASE',
}

/** The zero each kind of case can break; kinds not here break none. */
export const ZERO_RULE_OF_KIND: Partial<Record<CaseKind, ZeroRule>> = {
  [CaseKind.PETITION]: ZeroRule.PETITION,
  [CaseKind.DISPUTE]: ZeroRule.PETITION,
  [CaseKind.ACCIDENT]: ZeroRule.ACCIDENT,
  [CaseKind.CRIMINAL_CASE]: ZeroRule.CASE,
  [CaseKind.PUBLIC_ORDER_CASE]: ZeroRule.CASE,
};

const kindsBreaking = (rules: ZeroRule[]) => (Object.keys(ZERO_RULE_OF_KIND) as CaseKind[]).filter((k) => rules.includes(ZERO_RULE_OF_KIND[k]!));

/** Kinds that break a zero only by going beyond the unit (in the month they were escalated). */
export const BREAK_BY_ESCALATION: readonly CaseKind[] = kindsBreaking([ZeroRule.PETITION]);

/** Kinds that break a zero by happening (in the month they were reported). */
export const BREAK_BY_REPORT: readonly CaseKind[] = kindsBreaking([ZeroRule.ACCIDENT, ZeroRule.CASE]);

/** The zero a case of this kind breaks. */
export function ruleOf(kind: string): ZeroRule {
  const rule = ZERO_RULE_OF_KIND[kind as CaseKind];
  if (!rule) throw new Error(`a ${kind} case breaks no zero`);
  return rule;
}

const sqlKinds = (kinds: readonly CaseKind[]) => `(${kinds.map((k) => `'${k}'`).join(', ')})`;

/**
 * The cases `c` that broke a zero at their unit in month `?` (the month twice, as parameters),
 * counted ones only; `countedSql` is the condition that a case counts.
 */
export function breakingCaseSql(countedSql: string): string {
  return `${countedSql} and (
  (c.kind in ${sqlKinds(BREAK_BY_ESCALATION)} and c.escalation = 'BEYOND_UNIT' and sanling_month(c.escalated_at) = ?::date)
  or (c.kind in ${sqlKinds(BREAK_BY_REPORT)} and sanling_month(c.reported_at) = ?::date))`;
}

/** The rule as SQL for the statistics: a month's figures of one kind at a unit break its zero. */
export const ZERO_RULE_SQL = `
create or replace function stats_break_zero(kind text, reported integer, beyond_unit integer) returns boolean language sql immutable parallel safe as $$
  select (kind in ${sqlKinds(BREAK_BY_ESCALATION)} and beyond_unit > 0) or (kind in ${sqlKinds(BREAK_BY_REPORT)} and reported > 0)
$$;
`;
