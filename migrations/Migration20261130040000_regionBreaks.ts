import { Migration } from '@mikro-orm/migrations';

const BREAKS = `s.own and ((s.kind in ('PETITION', 'DISPUTE') and s.beyond_unit > 0) or (s.kind = 'ACCIDENT' and s.reported > 0)
    or (s.kind in ('CRIMINAL_CASE', 'PUBLIC_ORDER_CASE') and s.reported > 0))`;

/*
 * A city has tens of thousands of units that lose a zero in a month: counting them for a region on
 * every request read that many rows. The database now keeps the count too:
 *
 * - unit_month_breaks: the units that lost a zero in a month (a row is there while they have);
 * - region_breaks: per region, month and category, how many units under it lost a zero.
 *
 * The cases trigger re-judges the units and months a change touched and moves the counts of their
 * regions when a unit's verdict flips; a units trigger moves a unit's counts when it moves in the
 * tree or changes category. rebuild_case_stats() recounts both as well.
 *
 * Early warnings get a precomputed order (rule, then the most cases first), so a region's first few
 * come from an index instead of a sort of all of them.
 */
export class Migration20261130040000_regionBreaks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "unit_month_breaks" ("unit_id" int not null, "month" date not null, primary key ("unit_id", "month"));`);
    this.addSql(`create index "unit_month_breaks_month_idx" on "unit_month_breaks" ("month", "unit_id");`);
    this.addSql(`create table "region_breaks" ("region_id" int not null, "month" date not null, "category" text not null, "broken" int not null,
  primary key ("region_id", "month", "category"));`);

    // Files +sign for the unit's regions (every unit above it) in its category; regions themselves are not counted.
    this.addSql(`create function "region_breaks_add"(u_id int, u_path text, u_category text, m date, sign int) returns void language sql as $$
  insert into region_breaks as b (region_id, month, category, broken)
  select x::int, m, u_category, sign from unnest(string_to_array(trim(both '/' from u_path), '/')) x
  where u_category <> 'REGION' and x::int <> u_id
  on conflict (region_id, month, category) do update set broken = b.broken + excluded.broken;
$$;`);

    // Re-judges one unit in one month from its own statistics rows.
    this.addSql(`create function "sync_unit_break"(u_id int, m date) returns void language plpgsql as $$
declare
  now_broken boolean;
  was_broken boolean;
  u record;
begin
  select exists (select 1 from case_stats s where s.unit_id = u_id and s.month = m and ${BREAKS}) into now_broken;
  select exists (select 1 from unit_month_breaks b where b.unit_id = u_id and b.month = m) into was_broken;
  if now_broken = was_broken then
    return;
  end if;
  if now_broken then
    insert into unit_month_breaks (unit_id, month) values (u_id, m);
  else
    delete from unit_month_breaks where unit_id = u_id and month = m;
  end if;
  select id, path, category into u from units where id = u_id;
  perform region_breaks_add(u.id, u.path, u.category, m, case when now_broken then 1 else -1 end);
end $$;`);

    // The cases trigger, as before, then the verdicts of the units and months the change touched.
    this.addSql(`create function "case_breaks_apply"() returns trigger language plpgsql as $$
declare
  r record;
begin
  if tg_op = 'UPDATE' and (old.status, old.kind, old.unit_id, old.reported_at, old.escalation, old.escalated_at)
    is not distinct from (new.status, new.kind, new.unit_id, new.reported_at, new.escalation, new.escalated_at) then
    return null;
  end if;
  for r in
    select distinct x.unit_id, x.month from (
      select new.unit_id as unit_id, m.month from case_stat_rows(new) m
      union all
      select old.unit_id, m.month from case_stat_rows(old) m
    ) x where x.unit_id is not null
  loop
    perform sync_unit_break(r.unit_id, r.month);
  end loop;
  return null;
end $$;`);
    // Fires after the statistics trigger (triggers of one event run in name order).
    this.addSql(`create trigger "cases_stats_zero" after insert or update or delete on "cases" for each row execute function "case_breaks_apply"();`);

    // A unit that moves or changes category takes its broken months to its new regions.
    this.addSql(`create function "unit_breaks_moved"() returns trigger language plpgsql as $$
declare
  b record;
begin
  if old.path = new.path and old.category = new.category then
    return null;
  end if;
  for b in select month from unit_month_breaks where unit_id = new.id loop
    perform region_breaks_add(old.id, old.path, old.category, b.month, -1);
    perform region_breaks_add(new.id, new.path, new.category, b.month, 1);
  end loop;
  return null;
end $$;`);
    this.addSql(`create trigger "units_breaks" after update of "path", "category" on "units" for each row execute function "unit_breaks_moved"();`);

    this.addSql(`create or replace function "rebuild_case_stats"() returns void language plpgsql as $$
begin
  truncate case_stats, open_stats, unit_month_breaks, region_breaks;
  insert into case_stats (unit_id, own, month, kind, reported, accepted_in_time, resolved, resolved_in_time, went_overdue,
    visited, satisfied, beyond_unit, stock, stock_cleared)
  select c.unit_id, true, x.month, x.kind, sum(x.reported), sum(x.accepted_in_time), sum(x.resolved), sum(x.resolved_in_time),
    sum(x.went_overdue), sum(x.visited), sum(x.satisfied), sum(x.beyond_unit), sum(x.stock), sum(x.stock_cleared)
  from cases c cross join lateral case_stat_rows(c) x
  group by c.unit_id, x.month, x.kind;
  insert into case_stats (unit_id, own, month, kind, reported, accepted_in_time, resolved, resolved_in_time, went_overdue,
    visited, satisfied, beyond_unit, stock, stock_cleared)
  select a.id, false, s.month, s.kind, sum(s.reported), sum(s.accepted_in_time), sum(s.resolved), sum(s.resolved_in_time),
    sum(s.went_overdue), sum(s.visited), sum(s.satisfied), sum(s.beyond_unit), sum(s.stock), sum(s.stock_cleared)
  from case_stats s join units u on u.id = s.unit_id cross join lateral stat_units(u.id, u.path) a
  where s.own and not a.own
  group by a.id, s.month, s.kind;
  insert into open_stats (unit_id, own, kind, priority, supervision_level, open)
  select a.id, a.own, c.kind, c.priority, c.supervision_level, count(*)
  from cases c cross join lateral stat_units(c.unit_id, c.unit_path) a
  where c.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')
  group by a.id, a.own, c.kind, c.priority, c.supervision_level;
  insert into unit_month_breaks (unit_id, month)
  select distinct s.unit_id, s.month from case_stats s where ${BREAKS};
  insert into region_breaks (region_id, month, category, broken)
  select x::int, b.month, u.category, count(*)
  from unit_month_breaks b join units u on u.id = b.unit_id cross join unnest(string_to_array(trim(both '/' from u.path), '/')) x
  where u.category <> 'REGION' and x::int <> u.id
  group by 1, 2, 3;
end $$;`);

    this.addSql(`alter table "unit_warnings" add column "rank" int not null default 0;`);
    this.addSql(`create index "unit_warnings_rank_idx" on "unit_warnings" ("rank", "unit_id");`);
    this.addSql(`create index "unit_warnings_computed_idx" on "unit_warnings" ("computed_at");`);

    this.addSql(`select rebuild_case_stats();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "unit_warnings_computed_idx";`);
    this.addSql(`drop index if exists "unit_warnings_rank_idx";`);
    this.addSql(`alter table "unit_warnings" drop column "rank";`);
    this.addSql(`drop trigger if exists "units_breaks" on "units";`);
    this.addSql(`drop function if exists "unit_breaks_moved"();`);
    this.addSql(`drop trigger if exists "cases_stats_zero" on "cases";`);
    this.addSql(`drop function if exists "case_breaks_apply"();`);
    this.addSql(`drop function if exists "sync_unit_break"(int, date);`);
    this.addSql(`drop function if exists "region_breaks_add"(int, text, text, date, int);`);
    this.addSql(`drop table if exists "region_breaks";`);
    this.addSql(`drop table if exists "unit_month_breaks";`);
  }
}
