import type { EntityManager } from '@mikro-orm/postgresql';
import { OfficerRole } from '../../entities';
import { query } from '../../db/sql';
import { inJurisdiction, likePrefix, requireRole } from '../access/access';
import type { Actor } from '../access/actor';
import { notFound } from '../errors';
import { decodeCursor, encodeCursor, keyset, pageWindow, windowPage, type Page, type PageArgs } from '../pagination';
import { enqueue, toOfficers } from '../push/push';
import { selectRows } from '../read/load';
import { UNIT_ROW, type UnitRow } from '../read/rows';
import { monthDate, monthOf, shiftMonth, type Month } from '../time/local-time';
import { rankings, RankingLevel, type RankingRow } from './rankings';
import type { CampaignSettings, CountedCategory } from './settings';

/** Why a region got a letter: a category below its target. */
export interface LetterFinding {
  category: CountedCategory;
  units: number;
  zeroUnits: number;
  rate: number;
  target: number;
}

/** A risk warning letter (风险提示函) as recorded. */
export interface WarningLetter {
  id: number;
  regionId: number;
  month: Month;
  issuedAt: Date;
  findings: LetterFinding[];
  rank: number;
  of: number;
  score: number;
}

function findingsOf(row: RankingRow): LetterFinding[] {
  return row.zeroRates
    .filter((r) => r.rate !== null && r.rate < r.target)
    .map((r) => ({ category: r.category, units: r.units, zeroUnits: r.zeroUnits, rate: r.rate!, target: r.target }));
}

/**
 * Issues the month's letters to every county under `root` below target in some category: recorded
 * once per county and month (issuing again changes nothing) and pushed, through the outbox, to the
 * county's active supervisors. One transaction. Answers the letters issued now.
 */
export async function issueWarningLetters(em: EntityManager, root: UnitRow, month: Month, settings: CampaignSettings, now: Date): Promise<WarningLetter[]> {
  const rows = await rankings(em, root, RankingLevel.COUNTY, month, settings);
  const below = rows.filter((r) => r.belowTarget);
  if (!below.length) return [];
  return em.transactional(async (tx) => {
    const issued: WarningLetter[] = [];
    for (const row of below) {
      const findings = findingsOf(row);
      const body = { findings, rank: row.rank, of: rows.length, score: row.score };
      const [letter] = await query<{ id: number }>(
        tx,
        `insert into warning_letters (region_id, month, issued_at, findings) values (?, ?::date, ?, ?::jsonb)
         on conflict (region_id, month) do nothing returning id`,
        [row.unit.id, monthDate(month), now, JSON.stringify(body)],
      );
      if (!letter) continue;
      issued.push({ id: letter.id, regionId: row.unit.id, month, issuedAt: now, ...body });
      const supervisors = await query<{ id: number }>(tx, `select id from officers where unit_id = ? and role = 'SUPERVISOR' and active`, [row.unit.id]);
      await enqueue(
        tx,
        toOfficers(
          {
            topic: 'report.warning_letter',
            payload: { letterId: letter.id, unit: row.unit.name, month, categories: findings.map((f) => f.category), rank: row.rank, of: rows.length },
          },
          supervisors.map((s) => s.id),
          `letter:${letter.id}`,
        ),
        now,
      );
    }
    return issued;
  });
}

/** issueWarningLetters asked by an admin, for the counties under their own unit (the job asks for the city's). */
export async function issueWarningLettersAs(em: EntityManager, actor: Actor, month: Month, settings: CampaignSettings, now: Date): Promise<WarningLetter[]> {
  const admin = requireRole(actor, OfficerRole.ADMIN);
  const [root] = await selectRows(em, UNIT_ROW, 'u', 'where u.id = ?', [admin.unitId]);
  return issueWarningLetters(em, root, month, settings, now);
}

/**
 * The monthly job: letters for the month before `now` to the counties of every city (each root of
 * the tree). Answers how many were issued.
 */
export async function issueMonthlyLetters(em: EntityManager, now: Date, settings: CampaignSettings): Promise<{ month: Month; letters: number }> {
  const month = shiftMonth(monthOf(now), -1);
  const roots = await selectRows(em, UNIT_ROW, 'u', 'where u.parent_id is null order by u.code');
  let letters = 0;
  for (const root of roots) letters += (await issueWarningLetters(em, root, month, settings, now)).length;
  return { month, letters };
}

const LETTER_COLUMNS = `l.id, l.region_id as "regionId", to_char(l.month, 'YYYY-MM') as month,
  (extract(epoch from l.issued_at) * 1000)::float8 as "issuedAt", l.findings`;

type LetterRaw = Omit<WarningLetter, 'issuedAt' | 'findings' | 'rank' | 'of' | 'score'> & {
  issuedAt: number;
  findings: { findings: LetterFinding[]; rank: number; of: number; score: number };
};

const toLetter = (r: LetterRaw): WarningLetter => ({ ...r, issuedAt: new Date(r.issuedAt), ...r.findings });

/** Letters to regions in the supervisor's jurisdiction, newest first; of one month when given. */
export async function listWarningLetters(em: EntityManager, actor: Actor, month: Month | null, args: PageArgs): Promise<Page<WarningLetter>> {
  const officer = requireRole(actor, OfficerRole.SUPERVISOR);
  const w = pageWindow(args);
  const { cmp, order } = keyset(w, 'desc');
  const where = ['u.path like ?'];
  const params: unknown[] = [likePrefix(officer.unitPath)];
  if (month) {
    where.push('l.month = ?::date');
    params.push(monthDate(month));
  }
  const counted = [...where];
  const countParams = [...params];
  if (w.cursor) {
    const [id] = decodeCursor(w.cursor, 'letter', ['int'], w.argument);
    where.push(`l.id ${cmp} ?`);
    params.push(id);
  }
  const rows = await query<LetterRaw>(
    em,
    `select ${LETTER_COLUMNS} from warning_letters l join units u on u.id = l.region_id where ${where.join(' and ')} order by l.id ${order} limit ?`,
    [...params, w.size + 1],
  );
  return {
    ...windowPage(rows.map(toLetter), w, (l) => encodeCursor('letter', [l.id])),
    totalCount: async () =>
      (
        await query<{ n: number }>(
          em,
          `select count(*)::int as n from warning_letters l join units u on u.id = l.region_id where ${counted.join(' and ')}`,
          countParams,
        )
      )[0].n,
  };
}

/** One letter and its region, if the supervisor's jurisdiction holds the region; NOT_FOUND otherwise. */
export async function getWarningLetter(em: EntityManager, actor: Actor, id: number): Promise<{ letter: WarningLetter; region: UnitRow }> {
  const officer = requireRole(actor, OfficerRole.SUPERVISOR);
  const [raw] = await query<LetterRaw>(em, `select ${LETTER_COLUMNS} from warning_letters l where l.id = ?`, [id]);
  const [region] = raw ? await selectRows(em, UNIT_ROW, 'u', 'where u.id = ?', [raw.regionId]) : [];
  if (!raw || !region || !inJurisdiction(officer, region.path)) throw notFound('Warning letter');
  return { letter: toLetter(raw), region };
}
