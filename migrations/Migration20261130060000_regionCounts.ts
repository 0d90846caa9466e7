import { Migration } from '@mikro-orm/migrations';
import { CHANGED } from './Migration20261130050000_statementStats';

/*
 * Three of the dashboard's answers still read a row per unit of the region on every request: how
 * many units are exemplary (zero for N months running), the warnings (first page and count), and the
 * units of a category that lost a zero. The database now keeps them per region:
 *
 * - region_zero_since: per region, how many units under it have been zero since a given month, i.e.
 *   since the month after their latest break, or after the month they were registered, whichever is
 *   later. The exemplary units of the current month are those zero since the window's first month:
 *   one indexed sum. (For a month with later breaks under the region, the application counts from
 *   the breaks as before.) A unit's month moves when a break is filed or withdrawn (sync_unit_break)
 *   and when units are added, removed, moved, recategorised or re-dated (statement triggers on units).
 * - region_warnings and warning_counts: each early warning filed under every region above its unit,
 *   and their number per region, written by the same refresh that writes unit_warnings, so a region's
 *   first warnings and their count come from an index.
 * - unit_month_breaks carries its unit's code, category and path (kept by triggers on both tables),
 *   so a region's units of a category that broke in a month are listed by code from one index
 *   instead of walking every unit of the category.
 *
 * The cases triggers also lock the units a statement changes before touching any figure, and pair
 * old and new rows with a plan made for each statement (see below).
 */
export class Migration20261130060000_regionCounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "region_zero_since" ("region_id" int not null, "zero_since" date not null, "units" int not null,
  primary key ("region_id", "zero_since"));`);

    // The first month of a unit's current zero streak.
    this.addSql(`create function "unit_zero_since"(u "units") returns date language sql stable as $$
  select greatest((sanling_month(u.created_at) + interval '1 month')::date,
    ((select max(b.month) from unit_month_breaks b where b.unit_id = u.id) + interval '1 month')::date)
$$;`);

    // Files the units' streaks (+1 for news, -1 for olds) under every region above them; regions are not counted.
    this.addSql(`create function "apply_unit_zero"(olds "units"[], news "units"[]) returns void language sql as $$
  insert into region_zero_since as z (region_id, zero_since, units)
  select x::int, r.since, sum(r.sign)
  from (
    select 1 as sign, u.id, u.path, unit_zero_since(u) as since from unnest(news) u where u.category <> 'REGION'
    union all
    select -1, u.id, u.path, unit_zero_since(u) from unnest(olds) u where u.category <> 'REGION'
  ) r cross join unnest(string_to_array(trim(both '/' from r.path), '/')) x
  where x::int <> r.id
  group by 1, 2
  having sum(r.sign) <> 0
  on conflict (region_id, zero_since) do update set units = z.units + excluded.units;
$$;`);

    // Moves one unit from one month to another in the counts of every region above it.
    this.addSql(`create function "region_zero_move"(u_id int, u_path text, u_category text, since_before date, since_after date) returns void language sql as $$
  insert into region_zero_since as z (region_id, zero_since, units)
  select x::int, m.since, m.sign
  from unnest(string_to_array(trim(both '/' from u_path), '/')) x, (values (since_before, -1), (since_after, 1)) m(since, sign)
  where u_category <> 'REGION' and x::int <> u_id
  on conflict (region_id, zero_since) do update set units = z.units + excluded.units;
$$;`);

    // sync_unit_break as before, and a filed or withdrawn break may move the unit's streak. The unit's
    // row is locked first, so two changes of one unit's months judge it one after the other.
    this.addSql(`alter function "sync_unit_break"(int, date) rename to "sync_unit_month_break";`);
    this.addSql(`create function "sync_unit_break"(u_id int, m date) returns void language plpgsql as $$
declare
  u units;
  since_before date;
  since_after date;
begin
  select * into u from units where id = u_id for no key update;
  since_before := unit_zero_since(u);
  perform sync_unit_month_break(u_id, m);
  since_after := unit_zero_since(u);
  if u.id is not null and since_after <> since_before then
    perform region_zero_move(u.id, u.path, u.category, since_before, since_after);
  end if;
end $$;`);

    // The cases triggers lock the units whose figures a statement changes, in id order, before
    // touching any figure: changes at one unit run one after the other, and two statements over
    // many units wait for each other instead of deadlocking on each other's units.
    this.addSql(`create or replace function "apply_case_changes_locked"(olds "cases"[], news "cases"[]) returns void language plpgsql as $$
begin
  perform 1 from units u where u.id in (select c.unit_id from unnest(olds) c union select c.unit_id from unnest(news) c) order by u.id for no key update;
  perform apply_case_changes(olds, news);
end $$;`);
    this.addSql(`create or replace function "cases_stats_inserted"() returns trigger language plpgsql as $$
begin
  perform apply_case_changes_locked('{}'::cases[], array(select n::cases from new_cases n));
  return null;
end $$;`);
    // The old and new rows are paired by EXECUTE, planned anew for every statement: PL/pgSQL keeps
    // the plan of a static query, and a join of the transition tables planned for the one-row update
    // a connection happened to run first became a nested loop over every pair of rows of a later bulk
    // update (20,000 rows: over a minute instead of a second).
    this.addSql(`create or replace function "cases_stats_updated"() returns trigger language plpgsql as $$
declare
  olds cases[];
  news cases[];
begin
  execute $q$select array(select o::cases from old_cases o join new_cases n on n.id = o.id where ${CHANGED}),
    array(select n::cases from new_cases n join old_cases o on o.id = n.id where ${CHANGED})$q$ into olds, news;
  perform apply_case_changes_locked(olds, news);
  return null;
end $$;`);
    this.addSql(`create or replace function "cases_stats_deleted"() returns trigger language plpgsql as $$
begin
  perform apply_case_changes_locked(array(select o::cases from old_cases o), '{}'::cases[]);
  return null;
end $$;`);

    // A break carries its unit's code, category and path.
    this.addSql(`alter table "unit_month_breaks" add column "code" text, add column "category" text, add column "path" text;`);
    this.addSql(`delete from "unit_month_breaks" b where not exists (select 1 from "units" u where u.id = b.unit_id);`);
    this.addSql(`update "unit_month_breaks" b set "code" = u."code", "category" = u."category", "path" = u."path" from "units" u where u."id" = b."unit_id";`);
    this.addSql(`alter table "unit_month_breaks" alter column "code" set not null, alter column "category" set not null, alter column "path" set not null;`);
    // By code, with what the listing filters on: a region's first few are read from the index alone.
    this.addSql(`create index "unit_month_breaks_code_idx" on "unit_month_breaks" ("month", "category", "code") include ("path", "unit_id");`);
    // The listing used the month's ids; it reads the index above now, and a unit's months come from the key.
    this.addSql(`drop index if exists "unit_month_breaks_month_idx";`);
    this.addSql(`create function "unit_month_breaks_fill"() returns trigger language plpgsql as $$
begin
  select u.code, u.category, u.path into new.code, new.category, new.path from units u where u.id = new.unit_id;
  return new;
end $$;`);
    this.addSql(`create trigger "unit_month_breaks_fill" before insert on "unit_month_breaks" for each row execute function "unit_month_breaks_fill"();`);

    // Units added, removed, moved, recategorised or re-dated: their streaks, and their breaks' copies
    // (a trigger with transition tables fires for one kind of event).
    this.addSql(`create function "units_figures_inserted"() returns trigger language plpgsql as $$
begin
  perform apply_unit_zero('{}'::units[], array(select n::units from new_units n));
  return null;
end $$;`);
    // Transition tables joined by EXECUTE, planned for each statement's own size (see cases_stats_updated).
    this.addSql(`create function "units_figures_updated"() returns trigger language plpgsql as $$
declare
  olds units[];
  news units[];
begin
  execute $q$select array(select o::units from old_units o join new_units n on n.id = o.id
      where (o.path, o.category, o.created_at) is distinct from (n.path, n.category, n.created_at)),
    array(select n::units from new_units n join old_units o on o.id = n.id
      where (o.path, o.category, o.created_at) is distinct from (n.path, n.category, n.created_at))$q$ into olds, news;
  perform apply_unit_zero(olds, news);
  execute $q$update unit_month_breaks b set code = n.code, category = n.category, path = n.path
    from new_units n join old_units o on o.id = n.id
    where b.unit_id = n.id and (o.code, o.category, o.path) is distinct from (n.code, n.category, n.path)$q$;
  return null;
end $$;`);
    this.addSql(`create function "units_figures_deleted"() returns trigger language plpgsql as $$
begin
  perform apply_unit_zero(array(select o::units from old_units o), '{}'::units[]);
  return null;
end $$;`);
    this.addSql(
      `create trigger "units_figures_insert" after insert on "units" referencing new table as new_units for each statement execute function "units_figures_inserted"();`,
    );
    this.addSql(
      `create trigger "units_figures_update" after update on "units" referencing old table as old_units new table as new_units for each statement execute function "units_figures_updated"();`,
    );
    this.addSql(
      `create trigger "units_figures_delete" after delete on "units" referencing old table as old_units for each statement execute function "units_figures_deleted"();`,
    );

    // The recount: the streaks from the breaks; rebuild_case_stats() does it after the figures as before.
    this.addSql(`create function "rebuild_zero_since"() returns void language sql as $$
  truncate region_zero_since;
  insert into region_zero_since (region_id, zero_since, units)
  select x::int, z.since, count(*)
  from (
    select u.id, u.path, greatest((sanling_month(u.created_at) + interval '1 month')::date, (b.latest + interval '1 month')::date) as since
    from units u left join (select unit_id, max(month) as latest from unit_month_breaks group by unit_id) b on b.unit_id = u.id
    where u.category <> 'REGION'
  ) z cross join unnest(string_to_array(trim(both '/' from z.path), '/')) x
  where x::int <> z.id
  group by 1, 2;
$$;`);
    this.addSql(`alter function "rebuild_case_stats"() rename to "rebuild_case_figures";`);
    this.addSql(`create function "rebuild_case_stats"() returns void language plpgsql as $$
begin
  perform rebuild_case_figures();
  perform rebuild_zero_since();
end $$;`);

    // Early warnings filed under every region above their unit (the unit itself included), in listing order.
    this.addSql(`create table "region_warnings" ("region_id" int not null, "rank" int not null, "unit_id" int not null, "warning_id" int not null,
  primary key ("region_id", "rank", "unit_id", "warning_id"));`);
    this.addSql(`create table "warning_counts" ("region_id" int primary key, "warnings" int not null);`);

    this.addSql(`select rebuild_zero_since();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "warning_counts";`);
    this.addSql(`drop table if exists "region_warnings";`);
    this.addSql(`drop function if exists "rebuild_case_stats"();`);
    this.addSql(`alter function "rebuild_case_figures"() rename to "rebuild_case_stats";`);
    this.addSql(`drop function if exists "rebuild_zero_since"();`);
    this.addSql(`drop trigger if exists "units_figures_insert" on "units";`);
    this.addSql(`drop trigger if exists "units_figures_update" on "units";`);
    this.addSql(`drop trigger if exists "units_figures_delete" on "units";`);
    this.addSql(`drop function if exists "units_figures_inserted"();`);
    this.addSql(`drop function if exists "units_figures_updated"();`);
    this.addSql(`drop function if exists "units_figures_deleted"();`);
    this.addSql(`drop trigger if exists "unit_month_breaks_fill" on "unit_month_breaks";`);
    this.addSql(`drop function if exists "unit_month_breaks_fill"();`);
    this.addSql(`drop index if exists "unit_month_breaks_code_idx";`);
    this.addSql(`create index if not exists "unit_month_breaks_month_idx" on "unit_month_breaks" ("month", "unit_id");`);
    this.addSql(`alter table "unit_month_breaks" drop column "code", drop column "category", drop column "path";`);
    this.addSql(`drop function if exists "region_zero_move"(int, text, text, date, date);`);
    this.addSql(`drop function if exists "apply_unit_zero"("units"[], "units"[]);`);
    this.addSql(`drop function if exists "unit_zero_since"("units");`);
    this.addSql(`drop table if exists "region_zero_since";`);
    // The cases triggers keep calling the wrapper, which no longer locks.
    this.addSql(`create or replace function "apply_case_changes_locked"(olds "cases"[], news "cases"[]) returns void language plpgsql as $$
begin
  perform apply_case_changes(olds, news);
end $$;`);
    this.addSql(`drop function if exists "sync_unit_break"(int, date);`);
    this.addSql(`alter function "sync_unit_month_break"(int, date) rename to "sync_unit_break";`);
  }
}
