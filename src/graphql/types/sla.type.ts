import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CaseKind, CasePriority, LIMIT_UNITS, type LimitUnit as Unit } from '../../entities';

/** The units as GraphQL's enum LimitUnit (each value its own name). */
export const LimitUnit = Object.fromEntries(LIMIT_UNITS.map((u) => [u, u])) as { [U in (typeof LIMIT_UNITS)[number]]: U };
registerEnumType(LimitUnit, {
  name: 'LimitUnit',
  description: 'Unit of a time limit.',
  valuesConfig: {
    MINUTES: { description: 'Clock minutes.' },
    HOURS: { description: 'Clock hours.' },
    DAYS: { description: 'Calendar days.' },
    WORKING_DAYS: { description: 'Working days on the calendar (holidays and 调休 make-up workdays applied).' },
  },
});

@ObjectType('TimeLimit', { simpleResolvers: true, description: 'A time limit.' })
export class TimeLimitType {
  @Field(() => Int, { description: 'How many units.' })
  amount!: number;

  @Field(() => LimitUnit, { description: 'Which unit.' })
  unit!: Unit;
}

@InputType('TimeLimitInput', { description: 'A time limit.' })
export class TimeLimitInput {
  @Field(() => Int, { description: 'How many units (positive).' })
  amount!: number;

  @Field(() => LimitUnit, { description: 'Which unit.' })
  unit!: Unit;
}

@ObjectType('SlaPolicy', { simpleResolvers: true, description: 'Deadlines of a kind × priority (时限): accept and resolve limits, and the one extension.' })
export class SlaPolicyType {
  @Field(() => CaseKind, { description: 'Kind of case.' })
  kind!: CaseKind;

  @Field(() => CasePriority, { description: 'Priority.' })
  priority!: CasePriority;

  @Field(() => TimeLimitType, { description: 'Time to accept, from the report.' })
  accept!: TimeLimitType;

  @Field(() => TimeLimitType, { description: 'Time to resolve, from the report (or from reopening).' })
  resolve!: TimeLimitType;

  @Field(() => TimeLimitType, { nullable: true, description: 'Resolve limit after a supervisor’s extension, from the report; null: not extendable.' })
  extended?: TimeLimitType | null;
}

@InputType({ description: 'Set the deadlines of a kind × priority (admins).' })
export class SetSlaPolicyInput {
  @Field(() => CaseKind, { description: 'Kind of case.' })
  kind!: CaseKind;

  @Field(() => CasePriority, { description: 'Priority.' })
  priority!: CasePriority;

  @Field(() => TimeLimitInput, { description: 'Time to accept.' })
  accept!: TimeLimitInput;

  @Field(() => TimeLimitInput, { description: 'Time to resolve.' })
  resolve!: TimeLimitInput;

  @Field(() => TimeLimitInput, { nullable: true, description: 'Resolve limit after an extension; leave out for none.' })
  extended?: TimeLimitInput;
}
