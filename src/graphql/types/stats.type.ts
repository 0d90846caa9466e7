import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CaseKind, UnitCategory } from '../../entities';
import { ZeroRule } from '../../domain/stats/zero-rule';
import { RankingLevel } from '../../domain/stats/rankings';
import { WARNING_CASES_SHOWN, WarningRule } from '../../domain/stats/warnings';
import { COUNTED_CATEGORIES } from '../../domain/stats/settings';
import { Bounded } from '../limits';
import { connectionType, Node } from '../relay';
import { CaseType } from './case.type';
import { UnitType } from './unit.type';

registerEnumType(ZeroRule, {
  name: 'ZeroRule',
  description: 'The three zeros (三零) a unit keeps in a month.',
  valuesConfig: {
    PETITION: { description: '零上访: no petition or dispute at the unit went beyond it (越级) that month.' },
    ACCIDENT: { description: '零事故: no accident at the unit was reported that month.' },
    CASE: { description: '零案件: no criminal or public-order case at the unit was reported that month.' },
  },
});

registerEnumType(RankingLevel, {
  name: 'RankingLevel',
  description: 'Which regions are ranked against each other.',
  valuesConfig: {
    COUNTY: { description: 'Counties (县/区) under the given unit (a city).' },
    TOWNSHIP: { description: 'Townships (乡/镇/街道) under the given unit (a county).' },
  },
});

registerEnumType(WarningRule, {
  name: 'WarningRule',
  description: 'Early-warning rules (监测预警); thresholds are configuration.',
  valuesConfig: {
    OPEN_HAZARDS: { description: 'Open safety or public-order hazards at the unit at or above the threshold (WARN_OPEN_HAZARDS).' },
    REPEATED_PETITIONS: { description: 'Repeated petitions (重复信访): at the unit, or by one reporter, within WARN_REPEAT_DAYS.' },
    OPEN_EMERGENCY: { description: 'An EMERGENCY case at the unit is still open.' },
    LISTED_OVERDUE: { description: 'An overdue case at the unit is under listed supervision (挂牌督办).' },
    CLUSTER: { description: 'A hazard and a petition or dispute at the unit within WARN_CLUSTER_DAYS: trouble gathering.' },
  },
});

@ObjectType('CategoryCount', { simpleResolvers: true, description: 'How many units of a category.' })
export class CategoryCountType {
  @Field(() => UnitCategory, { description: 'The category.' })
  category!: UnitCategory;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType('KindCount', { simpleResolvers: true, description: 'How many cases of a kind.' })
export class KindCountType {
  @Field(() => CaseKind, { description: 'The kind.' })
  kind!: CaseKind;

  @Field(() => Int, { description: 'How many.' })
  count!: number;
}

@ObjectType('DashboardBase', { simpleResolvers: true, description: 'Base data of a region (基础数据).' })
export class DashboardBaseType {
  @Bounded(COUNTED_CATEGORIES.length)
  @Field(() => [CategoryCountType], { description: 'Units under the region by counted category (村/社区, 企业, 单位).' })
  unitsByCategory!: CategoryCountType[];

  @Bounded(Object.keys(CaseKind).length)
  @Field(() => [KindCountType], { description: 'Cases open now (deadline running) by kind.' })
  openByKind!: KindCountType[];

  @Field(() => Int, { description: 'Cases open now.' })
  openCases!: number;

  @Field(() => Int, { description: 'Safety and public-order hazards open now (隐患).' })
  openHazards!: number;

  @Field(() => Int, { description: 'EMERGENCY cases open now.' })
  openEmergencies!: number;

  @Field(() => Int, { description: 'Cases under listed supervision (挂牌督办) open now.' })
  listed!: number;

  @Field(() => Int, { description: 'Cases reported in the month.' })
  reportedInMonth!: number;
}

@ObjectType('ZeroBreak', { simpleResolvers: true, description: 'A unit that lost a zero in the month, and why.' })
export class ZeroBreakType {
  @Field(() => UnitType, { description: 'The unit.' })
  unit!: unknown;

  @Bounded(Object.keys(ZeroRule).length)
  @Field(() => [ZeroRule], { description: 'The zeros it lost.' })
  rules!: ZeroRule[];

  /** Every case that broke them; the `cases` field pages them. */
  cases!: unknown[];
}

@ObjectType('CategoryRate', { simpleResolvers: true, description: 'A region’s zero rate in one category against the target.' })
export class CategoryRateType {
  @Field(() => UnitCategory, { description: 'VILLAGE_COMMUNITY, ENTERPRISE or INSTITUTION.' })
  category!: UnitCategory;

  @Field(() => Int, { description: 'Units of the category under the region.' })
  units!: number;

  @Field(() => Int, { description: 'Of them, units that kept all three zeros in the month.' })
  zeroUnits!: number;

  @Field(() => Float, { nullable: true, description: 'zeroUnits / units (0..1); null without units.' })
  rate!: number | null;

  @Field(() => Float, { description: 'The target share (TARGET_*; 0.8 for villages and communities, 0.9 for enterprises and institutions by default).' })
  target!: number;
}

@ObjectType('CategoryProgress', { simpleResolvers: true, description: 'Creation progress (创建进度) of one category against its target.' })
export class CategoryProgressType extends CategoryRateType {
  @Field({ description: 'The rate reaches the target (a category without units is not below it).' })
  met!: boolean;
}

@ObjectType('EarlyWarning', { simpleResolvers: true, description: 'A unit at risk and why (监测预警).' })
export class WarningType {
  @Field(() => UnitType, { description: 'The unit.' })
  unit!: unknown;

  @Field(() => WarningRule, { description: 'The rule that flagged it.' })
  rule!: WarningRule;

  @Field({ description: 'The reason in words (Chinese).' })
  reason!: string;

  @Field(() => Int, { description: 'How many cases the rule found.' })
  caseCount!: number;

  @Bounded(WARNING_CASES_SHOWN)
  @Field(() => [CaseType], { description: 'The cases (the first five in your jurisdiction).' })
  cases!: unknown[];
}

@ObjectType('TrendPoint', { simpleResolvers: true, description: 'One month of a region’s trend.' })
export class TrendPointType {
  @Field({ description: 'The month, YYYY-MM.' })
  month!: string;

  @Field(() => Int, { description: 'Cases reported.' })
  reported!: number;

  @Field(() => Int, { description: 'Of them, resolved.' })
  resolved!: number;

  @Field(() => Float, { nullable: true, description: 'Accepted within the accept limit / reported (响应率).' })
  responseRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Resolved by the deadline / resolved (按期办结率).' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Satisfied or basically satisfied / return visits (满意率).' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Zero units / units over the three counted categories.' })
  zeroRate!: number | null;
}

@ObjectType('ExemplaryUnits', { simpleResolvers: true, description: 'Exemplary units (示范引领): zero in each of the last N months.' })
export class ExemplaryUnitsType {
  @Field(() => Int, { description: 'N (EXEMPLARY_MONTHS, default 6).' })
  months!: number;

  @Field(() => Int, { description: 'How many units under the region are exemplary.' })
  count!: number;

  // As many as the `first` of Dashboard.exemplary, which already multiplies this object.
  @Bounded(1)
  @Field(() => [UnitType], { description: 'The first of them by code (as many as `exemplary(first)` asks for).' })
  units!: unknown[];
}

@ObjectType('StockStatus', { simpleResolvers: true, description: 'Stock and increment (存量/增量) of a region.' })
export class StockStatusType {
  @Field(() => String, { nullable: true, description: 'The campaign baseline date that applies (the region’s own or the nearest above it), YYYY-MM-DD.' })
  baselineDate!: string | null;

  @Field(() => Int, { description: 'Cases open at the baseline (存量).' })
  stock!: number;

  @Field(() => Int, { description: 'Of them, resolved by the end of the month (化解).' })
  cleared!: number;

  @Field(() => Float, { nullable: true, description: 'cleared / stock (积案化解率); null without stock.' })
  clearanceRate!: number | null;

  @Field(() => Int, { description: 'Cases reported in the month that are not stock (增量).' })
  increments!: number;
}

@ObjectType('RankingRow', { simpleResolvers: true, description: 'A region’s place in the month’s ranking (排名).' })
export class RankingRowType {
  @Field(() => Int, { description: 'Place, from 1 (highest score).' })
  rank!: number;

  @Field(() => UnitType, { description: 'The region.' })
  unit!: unknown;

  @Bounded(COUNTED_CATEGORIES.length)
  @Field(() => [CategoryRateType], { description: 'Zero rate per counted category.' })
  zeroRates!: CategoryRateType[];

  @Field(() => Float, { nullable: true, description: 'Zero units / units over the three categories.' })
  zeroRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Response rate (accepted within the limit / reported).' })
  responseRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'On-time resolution rate.' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Satisfaction rate of the return visits.' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Stock clearance rate (积案化解率) by the end of the month.' })
  stockClearanceRate!: number | null;

  @Field(() => Int, { description: 'Cases reported in the month that went overdue.' })
  overdue!: number;

  @Field(() => Int, { description: 'Cases reported in the month.' })
  reported!: number;

  @Field(() => Float, { nullable: true, description: 'Mean creation-standards score (创建标准, 0..100) of the units assessed that month.' })
  standardsScore!: number | null;

  @Field(() => Float, { description: 'Composite score (0..100): the rates weighted by RANKING_WEIGHTS; a rate without data is left out.' })
  score!: number;

  @Field({ description: 'Some category’s zero rate is below its target (a risk warning letter is due).' })
  belowTarget!: boolean;

  @Bounded(COUNTED_CATEGORIES.length)
  @Field(() => [UnitCategory], { description: 'The categories whose zero rate is below target, in the order of zeroRates; empty when none is.' })
  belowTargetIn!: UnitCategory[];
}

@ObjectType('LetterFinding', { simpleResolvers: true, description: 'A category below its target, as a warning letter states it.' })
export class LetterFindingType {
  @Field(() => UnitCategory, { description: 'The category.' })
  category!: UnitCategory;

  @Field(() => Int, { description: 'Units of the category.' })
  units!: number;

  @Field(() => Int, { description: 'Of them, zero in the month.' })
  zeroUnits!: number;

  @Field(() => Float, { description: 'The zero rate.' })
  rate!: number;

  @Field(() => Float, { description: 'The target it fell short of.' })
  target!: number;
}

@ObjectType('WarningLetter', {
  simpleResolvers: true,
  implements: Node,
  description: 'A risk warning letter (风险提示函) to a region below target in a month.',
})
export class WarningLetterType extends Node {
  @Field(() => UnitType, { description: 'The region it was sent to.' })
  region!: unknown;

  @Field({ description: 'The month it concerns, YYYY-MM.' })
  month!: string;

  @Field({ description: 'When it was issued.' })
  issuedAt!: Date;

  @Bounded(COUNTED_CATEGORIES.length)
  @Field(() => [LetterFindingType], { description: 'The categories below target.' })
  findings!: LetterFindingType[];

  @Field(() => Int, { description: 'The region’s place in that month’s ranking.' })
  rank!: number;

  @Field(() => Int, { description: 'Out of how many regions.' })
  of!: number;

  @Field(() => Float, { description: 'Its composite score that month.' })
  score!: number;

  @Field({ description: 'The printable letter: GET it with your bearer token (Authorization header) and show it, e.g. as a blob URL.' })
  url!: string;
}

export const WarningLetterConnection = connectionType('WarningLetter', WarningLetterType, 'warning letter');

@ObjectType('ZeroStatus', { simpleResolvers: true, description: 'A unit’s three zeros (三零) in a month.' })
export class ZeroStatusType {
  @Field({ description: 'The month, YYYY-MM.' })
  month!: string;

  @Field({ description: 'It kept all three zeros.' })
  zero!: boolean;

  @Bounded(Object.keys(ZeroRule).length)
  @Field(() => [ZeroRule], { description: 'The zeros it lost.' })
  broken!: ZeroRule[];

  /** Every case that broke them; the `cases` field pages them. */
  cases!: unknown[];
}

@InputType({ description: 'A region and its campaign baseline date.' })
export class SetBaselineDateInput {
  @Field(() => String, { description: 'Global id of the region (city, county or township).' })
  unitId!: string;

  @Field(() => String, { nullable: true, description: 'The day the campaign started there after the dragnet survey (拉网式排查), YYYY-MM-DD; null clears it.' })
  date!: string | null;
}

@InputType({ description: 'Which month to issue risk warning letters for.' })
export class IssueWarningLettersInput {
  @Field({ description: 'The month, YYYY-MM (usually the one just ended).' })
  month!: string;
}
