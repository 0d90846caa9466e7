import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { readableCases } from '../../domain/access/access';
import { badInput, notFound } from '../../domain/errors';
import { pageSize } from '../../domain/pagination';
import type { CaseRow, UnitRow } from '../../domain/read/rows';
import { baselineOf, setBaselineDate } from '../../domain/stats/baseline';
import {
  brokenUnits,
  exemplaryUnits,
  isExemplary,
  monthFigures,
  openCases,
  openFigures,
  progress,
  stockFigures,
  trend,
  unitCounts,
  zeroStatus,
  type CategoryProgress,
  type MonthFigures,
  type ZeroBreak,
} from '../../domain/stats/figures';
import { issueWarningLettersAs, listWarningLetters, type WarningLetter } from '../../domain/stats/letters';
import { requireStatsOf, statsRegion } from '../../domain/stats/region';
import { parseMonth, type Month } from '../../domain/time/local-time';
import { rankings, RankingLevel } from '../../domain/stats/rankings';
import { countWarnings, listWarnings, WARNING_CASES_SHOWN, warningsComputedAt } from '../../domain/stats/warnings';
import { WARNING_REASON } from '../../shared/labels';
import { actorOf, type GraphQLContext } from '../context';
import { fromGlobalId, optionalId, PageArgsType, toConnection, toGlobalId } from '../relay';
import {
  CategoryProgressType,
  DashboardBaseType,
  ExemplaryUnitsType,
  IssueWarningLettersInput,
  RankingRowType,
  SetBaselineDateInput,
  StockStatusType,
  TrendPointType,
  WarningLetterConnection,
  WarningLetterType,
  WarningType,
  ZeroBreakType,
  ZeroStatusType,
} from '../types/stats.type';
import { CaseType } from '../types/case.type';
import { UnitType } from '../types/unit.type';
import { letterUrl } from '../../shared/urls';
import { Bounded, Heavy, OWN_STATEMENTS_COST } from '../limits';
import { COUNTED_CATEGORIES } from '../../domain/stats/settings';

/** What a dashboard's fields are computed from: each field runs its own statements, only when asked for. */
interface DashboardSource {
  region: UnitRow;
  month: Month;
  /** The region's month figures, read once for the fields that need them (base, stock). */
  figures?: Promise<MonthFigures>;
}

function figuresOf(ctx: GraphQLContext, d: DashboardSource): Promise<MonthFigures> {
  d.figures ??= monthFigures(ctx.em, [d.region.id], d.month).then((m) => m.get(d.region.id)!);
  return d.figures;
}

@ObjectType('Dashboard', {
  simpleResolvers: true,
  description: 'The command centre (指挥中心) of a region for a month: base data, progress against the targets, warnings, lists, trend. SUPERVISOR and above.',
})
export class DashboardType {
  @Field({ description: 'The month, YYYY-MM.' })
  month!: string;
}

/** The region a supervisor asks about (statsRegion decides who may), kept in the request's unit loader. */
async function regionOf(ctx: GraphQLContext, unitId: string | null | undefined): Promise<{ region: UnitRow }> {
  const region = await statsRegion(ctx.em, actorOf(ctx), optionalId(unitId, 'Unit'));
  ctx.loaders.unit.prime(region.id, region);
  return { region };
}

@Resolver(() => DashboardType)
export class DashboardResolver {
  @Heavy()
  @Query(() => DashboardType, {
    description: 'The command centre of a region (default: your unit) for a month (default: this month). SUPERVISOR and above, within your jurisdiction.',
  })
  async dashboard(
    @Ctx() ctx: GraphQLContext,
    @Arg('unitId', () => ID, { nullable: true, description: 'Global id of the unit; your own by default.' }) unitId?: string,
    @Arg('month', () => String, { nullable: true, description: 'YYYY-MM; the current month by default.' }) month?: string,
  ): Promise<DashboardSource> {
    const { region } = await regionOf(ctx, unitId);
    return { region, month: parseMonth(month, ctx.services.clock.now()) };
  }

  @FieldResolver(() => UnitType, { description: 'The region.' })
  unit(@Root() d: DashboardSource): UnitRow {
    return d.region;
  }

  @FieldResolver(() => DashboardBaseType, { description: 'Base data (基础数据): units, open cases and hazards, reports this month.' })
  async base(@Root() d: DashboardSource, @Ctx() ctx: GraphQLContext): Promise<DashboardBaseType> {
    const [units, open, figures] = await Promise.all([unitCounts(ctx.em, d.region), openFigures(ctx.em, d.region), figuresOf(ctx, d)]);
    return {
      unitsByCategory: units as DashboardBaseType['unitsByCategory'],
      openByKind: open.byKind as DashboardBaseType['openByKind'],
      openCases: open.open,
      openHazards: open.hazards,
      openEmergencies: open.emergencies,
      listed: open.listed,
      reportedInMonth: figures.reported,
    };
  }

  @Bounded(COUNTED_CATEGORIES.length)
  @FieldResolver(() => [CategoryProgressType], { description: 'Creation progress per category against the targets (创建进度).' })
  async progress(@Root() d: DashboardSource, @Ctx() ctx: GraphQLContext): Promise<(CategoryProgress & { source: DashboardSource })[]> {
    return (await progress(ctx.em, d.region, d.month, ctx.services.campaign)).map((p) => ({ ...p, source: d }));
  }

  @FieldResolver(() => [WarningType], { description: 'Early warnings (监测预警) of units under the region, most pressing first.' })
  async warnings(
    @Root() d: DashboardSource,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
  ) {
    const warnings = await listWarnings(ctx.em, d.region, pageSize({ first }));
    const units = await ctx.loaders.unit.loadMany(warnings.map((w) => w.unitId));
    return Promise.all(
      warnings.map(async (w, i) => ({
        unit: units[i],
        rule: w.rule,
        reason: WARNING_REASON[w.rule](w.caseIds.length),
        caseCount: w.caseIds.length,
        cases: await visibleCases(ctx, w.caseIds.slice(0, WARNING_CASES_SHOWN)),
      })),
    );
  }

  @FieldResolver(() => Int, { description: 'How many warnings there are under the region in all.' })
  async warningCount(@Root() d: DashboardSource, @Ctx() ctx: GraphQLContext): Promise<number> {
    return countWarnings(ctx.em, d.region.id);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When the warnings were last computed (every few minutes).' })
  async warningsComputedAt(@Ctx() ctx: GraphQLContext): Promise<Date | null> {
    return warningsComputedAt(ctx.em);
  }

  @FieldResolver(() => [CaseType], { description: 'Open cases under supervision (督办, 挂牌督办), oldest deadline first.' })
  async supervision(
    @Root() d: DashboardSource,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
  ): Promise<CaseRow[]> {
    return primed(ctx, await openCases(ctx.em, d.region, 'supervised', pageSize({ first })));
  }

  @FieldResolver(() => [CaseType], { description: 'Open EMERGENCY cases (应急处置), oldest first.' })
  async emergencies(
    @Root() d: DashboardSource,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
  ): Promise<CaseRow[]> {
    return primed(ctx, await openCases(ctx.em, d.region, 'emergency', pageSize({ first })));
  }

  @Bounded({ arg: 'months', default: 12, max: 36 })
  @FieldResolver(() => [TrendPointType], { description: 'The months up to this one, oldest first (趋势).' })
  async trend(
    @Root() d: DashboardSource,
    @Ctx() ctx: GraphQLContext,
    @Arg('months', () => Int, { nullable: true, description: 'How many months, 1 to 36 (default 12).' }) months?: number,
  ) {
    const n = months ?? 12;
    if (!Number.isInteger(n) || n < 1 || n > 36) throw badInput('months must be a whole number from 1 to 36', { argument: 'months' });
    return trend(ctx.em, d.region, d.month, n);
  }

  @FieldResolver(() => ExemplaryUnitsType, { description: 'Exemplary units (示范引领) under the region.' })
  async exemplary(
    @Root() d: DashboardSource,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'How many to list, 0 to 100 (default 20).' }) first?: number,
  ) {
    const months = ctx.services.campaign.exemplaryMonths;
    return { months, ...(await exemplaryUnits(ctx.em, d.region, d.month, months, pageSize({ first }))) };
  }

  @FieldResolver(() => StockStatusType, { description: 'Stock and increment (存量/增量).' })
  async stock(@Root() d: DashboardSource, @Ctx() ctx: GraphQLContext): Promise<StockStatusType> {
    const [stock, figures, baselineDate] = await Promise.all([stockFigures(ctx.em, [d.region.id], d.month), figuresOf(ctx, d), baselineOf(ctx.em, d.region)]);
    return { baselineDate, ...stock.get(d.region.id)!, increments: figures.reported - figures.stock };
  }
}

/** Cases by id through the request's loader, keeping those the caller may read. */
async function visibleCases(ctx: GraphQLContext, ids: number[]): Promise<CaseRow[]> {
  const rows = await ctx.loaders.case.loadMany(ids);
  return readableCases(
    actorOf(ctx),
    rows.filter((c): c is CaseRow => !!c && !(c instanceof Error)),
  );
}

function primed(ctx: GraphQLContext, rows: CaseRow[]): CaseRow[] {
  ctx.loaders.primeCases(rows);
  return rows;
}

@Resolver(() => CategoryProgressType)
export class CategoryProgressResolver {
  @FieldResolver(() => [ZeroBreakType], { description: 'Units of the category that lost a zero in the month, and why (by code).' })
  async broken(
    @Root() p: CategoryProgress & { source: DashboardSource },
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'At most this many, 0 to 100 (default 20).' }) first?: number,
  ): Promise<ZeroBreak[]> {
    const found = await brokenUnits(ctx.em, p.source.region, p.source.month, { category: p.category, limit: pageSize({ first }) });
    for (const b of found) ctx.loaders.primeCases(b.cases);
    return found;
  }
}

/** The cases that broke a unit's zeros, a page of them (a unit may have many in a bad month). */
function breakingCases(all: CaseRow[], first: number | undefined): CaseRow[] {
  return all.slice(0, pageSize({ first }));
}

const BREAKING_CASES = 'At most this many, 0 to 100 (default 20).';

@Resolver(() => ZeroBreakType)
export class ZeroBreakResolver {
  @FieldResolver(() => [CaseType], { description: 'The cases that broke them, oldest first.' })
  cases(@Root() b: ZeroBreak, @Arg('first', () => Int, { nullable: true, description: BREAKING_CASES }) first?: number): CaseRow[] {
    return breakingCases(b.cases, first);
  }
}

@Resolver(() => ZeroStatusType)
export class ZeroStatusResolver {
  @FieldResolver(() => [CaseType], { description: 'The cases that broke them, oldest first.' })
  cases(@Root() z: { cases: CaseRow[] }, @Arg('first', () => Int, { nullable: true, description: BREAKING_CASES }) first?: number): CaseRow[] {
    return breakingCases(z.cases, first);
  }
}

@Resolver(() => RankingRowType)
export class RankingResolver {
  @Heavy()
  @Bounded({ regions: { arg: 'level' } })
  @Query(() => [RankingRowType], {
    description: 'The month’s ranking (排名) of the counties of a city, or the townships of a county. SUPERVISOR and above, within your jurisdiction.',
  })
  async rankings(
    @Ctx() ctx: GraphQLContext,
    @Arg('level', () => RankingLevel, { description: 'Counties or townships.' }) level: RankingLevel,
    @Arg('month', () => String, { nullable: true, description: 'YYYY-MM; the current month by default.' }) month?: string,
    @Arg('withinId', () => ID, { nullable: true, description: 'Rank the regions under this unit (default: your own unit).' }) withinId?: string,
  ) {
    const { region } = await regionOf(ctx, withinId);
    return rankings(ctx.em, region, level, parseMonth(month, ctx.services.clock.now()), ctx.services.campaign);
  }
}

@Resolver(() => WarningLetterType)
export class WarningLetterResolver {
  @Query(() => WarningLetterConnection, {
    description: 'Risk warning letters (风险提示函) to regions in your jurisdiction, newest first. SUPERVISOR and above.',
  })
  async warningLetters(
    @Ctx() ctx: GraphQLContext,
    @Args() page: PageArgsType,
    @Arg('month', () => String, { nullable: true, description: 'Only letters about this month (YYYY-MM).' }) month?: string,
  ) {
    const m = month == null ? null : parseMonth(month, ctx.services.clock.now());
    return toConnection(await listWarningLetters(ctx.em, actorOf(ctx), m, page));
  }

  @Heavy()
  @Bounded({ regions: 'COUNTY' })
  @Mutation(() => [WarningLetterType], {
    description:
      'Issue the month’s risk warning letters to the counties under your unit below target (ADMIN; the monthly job does this on the 1st). A county gets one letter per month: issuing again adds nothing. Each letter is pushed to the county’s supervisors.',
  })
  async issueWarningLetters(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => IssueWarningLettersInput, { description: 'The month.' }) input: IssueWarningLettersInput,
  ): Promise<WarningLetter[]> {
    const now = ctx.services.clock.now();
    return issueWarningLettersAs(ctx.em, actorOf(ctx), parseMonth(input.month, now), ctx.services.campaign, now);
  }

  @FieldResolver(() => UnitType, { description: 'The region it was sent to.' })
  async region(@Root() l: WarningLetter, @Ctx() ctx: GraphQLContext): Promise<UnitRow> {
    const unit = await ctx.loaders.unit.load(l.regionId);
    if (!unit) throw notFound('Unit');
    return unit;
  }

  @FieldResolver(() => ID, { description: 'Global id.' })
  id(@Root() l: WarningLetter): string {
    return toGlobalId('WarningLetter', l.id);
  }

  @FieldResolver(() => Int, { description: 'Number of the letter (〔year〕第 N 号), also in its URL.' })
  number(@Root() l: WarningLetter): number {
    return l.id;
  }

  @FieldResolver(() => String, { description: 'The printable letter: GET it with your bearer token (Authorization header) and show it, e.g. as a blob URL.' })
  url(@Root() l: WarningLetter): string {
    return letterUrl(l.id);
  }
}

@Resolver(() => UnitType)
export class UnitStatsResolver {
  @Heavy()
  @FieldResolver(() => ZeroStatusType, {
    description: 'The unit’s three zeros in a month (三零). SUPERVISOR and above.',
    complexity: ({ childComplexity }) => OWN_STATEMENTS_COST + childComplexity,
  })
  async zeroStatus(
    @Root() unit: UnitRow,
    @Ctx() ctx: GraphQLContext,
    @Arg('month', () => String, { nullable: true, description: 'YYYY-MM; the current month by default.' }) month?: string,
  ) {
    requireStatsOf(actorOf(ctx), unit);
    const m = parseMonth(month, ctx.services.clock.now());
    const status = await zeroStatus(ctx.em, unit, m);
    ctx.loaders.primeCases(status.cases);
    return { month: m, ...status };
  }

  @Heavy()
  @FieldResolver(() => Boolean, {
    description: 'Zero in each of the last EXEMPLARY_MONTHS months up to this one (示范单位). SUPERVISOR and above.',
    complexity: OWN_STATEMENTS_COST,
  })
  async exemplary(
    @Root() unit: UnitRow,
    @Ctx() ctx: GraphQLContext,
    @Arg('month', () => String, { nullable: true, description: 'YYYY-MM; the current month by default.' }) month?: string,
  ): Promise<boolean> {
    requireStatsOf(actorOf(ctx), unit);
    return isExemplary(ctx.em, unit, parseMonth(month, ctx.services.clock.now()), ctx.services.campaign.exemplaryMonths);
  }
}

@Resolver()
export class BaselineResolver {
  @Mutation(() => UnitType, { description: 'Set or clear a region’s campaign baseline date (ADMIN): cases open then become its stock (存量).' })
  async setBaselineDate(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => SetBaselineDateInput, { description: 'Region and date.' }) input: SetBaselineDateInput,
  ): Promise<UnitRow> {
    const { unit } = await setBaselineDate(ctx.em, actorOf(ctx), { unitId: fromGlobalId(input.unitId, 'Unit').id, date: input.date }, ctx.services.clock.now());
    ctx.loaders.unit.clear(unit.id);
    return unit;
  }
}
