import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit } from '../../entities';
import { likePrefix, likeContains } from '../access/access';

/** A place a resident can report from, with the township that tells namesakes apart. */
export interface PlaceMatch {
  unit: Unit;
  township: string | null;
}

const SUFFIX = /(村民委员会|居民委员会|村委会|居委会|社区|村|镇|乡|街道)$/;

/** The name without its administrative suffix and spaces: 磁窑村 → 磁窑. */
export function placeStem(text: string): string {
  return text.replace(/\s+/g, '').replace(SUFFIX, '');
}

/**
 * The township a unit lies in, joined by id: the tree's tiers put a township third on every path
 * below it (/city/county/township/…).
 */
const TOWNSHIP_JOIN = `left join units t on t.id = nullif(split_part(u.path, '/', 4), '')::int and t.kind = 'TOWNSHIP'`;

function toMatches(em: EntityManager, rows: (Record<string, unknown> & { township_name: string | null })[]): PlaceMatch[] {
  return rows.map(({ township_name: township, ...unit }) => ({ unit: em.map(Unit, unit), township }));
}

/**
 * Villages, communities, enterprises and institutions matching what a resident typed: exact or
 * substring first (missing 村/社区 tolerated), then one-character typos (edit distance 1).
 * A name of one or two characters (most village names without 村) is found through the index of
 * 1- and 2-character substrings, longer ones through trigrams.
 */
export async function searchPlaces(em: EntityManager, text: string, opts: { within?: Unit; limit?: number } = {}): Promise<PlaceMatch[]> {
  const stem = placeStem(text);
  if (!stem || stem.length > 50) return [];
  const limit = opts.limit ?? 6;
  const scope = opts.within ? `and u.path like ?` : '';
  const scopeParams = opts.within ? [likePrefix(opts.within.path)] : [];
  const pattern = likeContains(stem);
  const base = `from units u ${TOWNSHIP_JOIN} where u.category <> 'REGION' ${scope}`;
  let rows = await em.execute<(Record<string, unknown> & { township_name: string | null })[]>(
    `select u.*, t.name as township_name ${base} and u.name like ?
       and (length(?) > 2 or case_search_grams(u.name) @> array[lower(?)])
     order by (regexp_replace(u.name, '(村|社区)$', '') = ?) desc, length(u.name), u.code limit ?`,
    [...scopeParams, pattern, stem, stem, stem, limit],
  );
  if (!rows.length && stem.length >= 2) {
    rows = await em.execute<(Record<string, unknown> & { township_name: string | null })[]>(
      `select u.*, t.name as township_name ${base} and levenshtein(regexp_replace(u.name, '(村|社区)$', ''), ?) <= 1
       order by u.code limit ?`,
      [...scopeParams, stem, limit],
    );
  }
  return toMatches(em, rows);
}

/** Townships (乡/镇/街道) by name: exact, else containing it, else one character off. */
export async function searchTownships(em: EntityManager, text: string): Promise<Unit[]> {
  const stem = placeStem(text);
  if (!stem || stem.length > 50) return [];
  const rows = await em.execute<(Record<string, unknown> & { rank: number })[]>(
    `select * from (
       select u.*, case when regexp_replace(u.name, '(镇|乡|街道)$', '') = ? then 0 when u.name like ? then 1 else 2 end as rank
       from units u where u.kind = 'TOWNSHIP'
         and (u.name like ? or levenshtein(regexp_replace(u.name, '(镇|乡|街道)$', ''), ?) <= 1)
     ) x order by rank, code limit 6`,
    [stem, likeContains(stem), likeContains(stem), stem],
  );
  const best = rows.length ? rows[0].rank : 0;
  return rows.filter((r) => r.rank === best).map(({ rank: _r, ...r }) => em.map(Unit, r));
}
