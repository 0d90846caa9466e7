import { Migration } from '@mikro-orm/migrations';

/*
 * The command centre's figures, kept by the database itself so a city-wide answer reads tens of rows
 * instead of a million cases:
 *
 * - case_stats: per unit, month (Asia/Shanghai) and kind, what happened — reported, accepted in time,
 *   resolved (in time), went overdue, return visits (satisfied), escalated beyond the unit, stock and
 *   stock cleared. `own` rows hold the cases at the unit itself (zero status is judged on them);
 *   the other rows hold the unit and everything under it (a city's month is one row per kind).
 *   Each figure is filed under the month its event happened: reports by reported_at, escalations
 *   beyond the unit by escalated_at, stock cleared by resolved_at.
 * - open_stats: the same two scopes for what is open now, by kind, priority and supervision level.
 * - unit_counts: how many units of each category a region holds (the denominators of the targets).
 *
 * A trigger on cases applies the difference between a row's old and new contributions in the
 * transaction of the change; rebuild_case_stats() recounts everything from the cases (admin command).
 * Rejected and merged cases count nowhere.
 */
export class Migration20261130020000_commandCentre extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "cases" add column "stock" boolean not null default false;`);

    this.addSql(`create function "sanling_month"(t timestamptz) returns date language sql immutable parallel safe as $$
  select (date_trunc('month', t at time zone 'Asia/Shanghai'))::date
$$;`);

    this.addSql(`create table "case_stats" (
  "unit_id" int not null, "own" boolean not null, "month" date not null, "kind" text not null,
  "reported" int not null default 0, "accepted_in_time" int not null default 0,
  "resolved" int not null default 0, "resolved_in_time" int not null default 0, "went_overdue" int not null default 0,
  "visited" int not null default 0, "satisfied" int not null default 0, "beyond_unit" int not null default 0,
  "stock" int not null default 0, "stock_cleared" int not null default 0,
  primary key ("unit_id", "own", "month", "kind"));`);
    // The units that lost a zero in a month: few, found without reading the month's other rows.
    this.addSql(`create index "case_stats_breaks_idx" on "case_stats" ("month", "unit_id") where "own" and (
  ("kind" in ('PETITION', 'DISPUTE') and "beyond_unit" > 0) or ("kind" = 'ACCIDENT' and "reported" > 0)
  or ("kind" in ('CRIMINAL_CASE', 'PUBLIC_ORDER_CASE') and "reported" > 0));`);
    this.addSql(`create table "open_stats" (
  "unit_id" int not null, "own" boolean not null, "kind" text not null, "priority" text not null, "supervision_level" text not null,
  "open" int not null default 0,
  primary key ("unit_id", "own", "kind", "priority", "supervision_level"));`);

    // The command centre's list of open emergencies, without reading every open case.
    this.addSql(
      `create index "cases_open_emergency_idx" on "cases" ("reported_at") where "priority" = 'EMERGENCY' and "status" in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS');`,
    );

    // A case's contributions: one row per month it touches.
    this.addSql(`create function "case_stat_rows"(c "cases") returns table (
  "month" date, "kind" text, "reported" int, "accepted_in_time" int, "resolved" int, "resolved_in_time" int, "went_overdue" int,
  "visited" int, "satisfied" int, "beyond_unit" int, "stock" int, "stock_cleared" int)
language sql immutable as $$
  select sanling_month(c.reported_at), c.kind, 1,
    (c.accepted_at is not null and c.accepted_at <= c.accept_due_at)::int,
    (c.resolved_at is not null)::int,
    (c.resolved_at is not null and c.resolved_at <= c.due_at)::int,
    ((c.resolved_at is not null and c.resolved_at > c.due_at)
      or (c.resolved_at is null and c.supervision_level in ('URGED', 'SUPERVISED', 'LISTED')))::int,
    (c.return_visit is not null)::int,
    coalesce(c.return_visit in ('SATISFIED', 'BASICALLY_SATISFIED'), false)::int,
    0, c.stock::int, 0
  where c.status not in ('REJECTED', 'MERGED')
  union all
  select sanling_month(c.escalated_at), c.kind, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0
  where c.status not in ('REJECTED', 'MERGED') and c.escalation = 'BEYOND_UNIT' and c.escalated_at is not null
  union all
  select sanling_month(c.resolved_at), c.kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
  where c.status not in ('REJECTED', 'MERGED') and c.stock and c.resolved_at is not null
$$;`);
    // Where a unit's figures are filed: its own row, and the tree rows of itself and every unit above it.
    this.addSql(`create function "stat_units"(unit_id int, path text) returns table ("id" int, "own" boolean)
language sql immutable as $$
  select unit_id, true
  union all
  select x::int, false from unnest(string_to_array(trim(both '/' from path), '/')) x
$$;`);

    this.addSql(`create function "case_stats_apply"() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and (old.status, old.kind, old.priority, old.unit_id, old.unit_path, old.reported_at, old.accepted_at,
      old.accept_due_at, old.resolved_at, old.due_at, old.supervision_level, old.return_visit, old.escalation, old.escalated_at, old.stock)
    is not distinct from (new.status, new.kind, new.priority, new.unit_id, new.unit_path, new.reported_at, new.accepted_at,
      new.accept_due_at, new.resolved_at, new.due_at, new.supervision_level, new.return_visit, new.escalation, new.escalated_at, new.stock) then
    return null;
  end if;
  insert into case_stats as s (unit_id, own, month, kind, reported, accepted_in_time, resolved, resolved_in_time, went_overdue,
    visited, satisfied, beyond_unit, stock, stock_cleared)
  select u.id, u.own, r.month, r.kind, sum(r.sign * r.reported), sum(r.sign * r.accepted_in_time), sum(r.sign * r.resolved),
    sum(r.sign * r.resolved_in_time), sum(r.sign * r.went_overdue), sum(r.sign * r.visited), sum(r.sign * r.satisfied),
    sum(r.sign * r.beyond_unit), sum(r.sign * r.stock), sum(r.sign * r.stock_cleared)
  from (
    select 1 as sign, x.*, new.unit_id as unit_id, new.unit_path as path from case_stat_rows(new) x
    union all
    select -1, x.*, old.unit_id, old.unit_path from case_stat_rows(old) x
  ) r cross join lateral stat_units(r.unit_id, r.path) u
  group by u.id, u.own, r.month, r.kind
  having sum(r.sign * r.reported) <> 0 or sum(r.sign * r.accepted_in_time) <> 0 or sum(r.sign * r.resolved) <> 0
    or sum(r.sign * r.resolved_in_time) <> 0 or sum(r.sign * r.went_overdue) <> 0 or sum(r.sign * r.visited) <> 0
    or sum(r.sign * r.satisfied) <> 0 or sum(r.sign * r.beyond_unit) <> 0 or sum(r.sign * r.stock) <> 0 or sum(r.sign * r.stock_cleared) <> 0
  on conflict (unit_id, own, month, kind) do update set
    reported = s.reported + excluded.reported, accepted_in_time = s.accepted_in_time + excluded.accepted_in_time,
    resolved = s.resolved + excluded.resolved, resolved_in_time = s.resolved_in_time + excluded.resolved_in_time,
    went_overdue = s.went_overdue + excluded.went_overdue, visited = s.visited + excluded.visited,
    satisfied = s.satisfied + excluded.satisfied, beyond_unit = s.beyond_unit + excluded.beyond_unit,
    stock = s.stock + excluded.stock, stock_cleared = s.stock_cleared + excluded.stock_cleared;

  insert into open_stats as s (unit_id, own, kind, priority, supervision_level, open)
  select u.id, u.own, r.kind, r.priority, r.supervision_level, sum(r.sign)
  from (
    select 1 as sign, new.kind, new.priority, new.supervision_level, new.unit_id, new.unit_path
    where new.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')
    union all
    select -1, old.kind, old.priority, old.supervision_level, old.unit_id, old.unit_path
    where old.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')
  ) r cross join lateral stat_units(r.unit_id, r.unit_path) u
  group by u.id, u.own, r.kind, r.priority, r.supervision_level
  having sum(r.sign) <> 0
  on conflict (unit_id, own, kind, priority, supervision_level) do update set open = s.open + excluded.open;
  return null;
end $$;`);
    this.addSql(`create trigger "cases_stats" after insert or update or delete on "cases" for each row execute function "case_stats_apply"();`);

    // Recounts both tables from the cases: own rows from the cases, tree rows from the own rows.
    this.addSql(`create function "rebuild_case_stats"() returns void language plpgsql as $$
begin
  truncate case_stats, open_stats;
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
end $$;`);

    // The few units with a campaign baseline, found without reading the registry.
    this.addSql(`create index "units_baseline_idx" on "units" ("depth") where "baseline_date" is not null;`);

    // Denominators of the targets: units of each counted category anywhere under a region.
    this.addSql(
      `create table "unit_counts" ("region_id" int not null, "category" text not null, "units" int not null, primary key ("region_id", "category"));`,
    );
    this.addSql(`create function "recount_units"() returns void language sql as $$
  delete from unit_counts;
  insert into unit_counts (region_id, category, units)
  select a.id, u.category, count(*)
  from units u cross join lateral stat_units(u.id, u.path) a
  where u.category <> 'REGION' and not a.own and a.id <> u.id
  group by a.id, u.category;
$$;`);
    this.addSql(`create function "units_recount"() returns trigger language plpgsql as $$
begin
  perform recount_units();
  return null;
end $$;`);
    this.addSql(
      `create trigger "units_counts" after insert or delete or update of "path", "category" on "units" for each statement execute function "units_recount"();`,
    );

    // Early warnings, recomputed by a scheduled job (and on demand): what the dashboard lists.
    this.addSql(`create table "unit_warnings" (
  "id" serial primary key, "unit_id" int not null references "units" ("id") on delete cascade,
  "rule" text not null, "case_ids" int[] not null, "computed_at" timestamptz(3) not null);`);
    this.addSql(`create index "unit_warnings_unit_idx" on "unit_warnings" ("unit_id");`);

    // Creation standards (创建标准) and assessments of units against them.
    this.addSql(`create table "standard_items" (
  "id" serial primary key, "aspect" varchar(50) not null, "code" varchar(32) not null unique, "text" varchar(500) not null,
  "weight" numeric(6, 2) not null check ("weight" > 0), "position" int not null);`);
    this.addSql(`create table "assessments" (
  "unit_id" int not null references "units" ("id") on delete cascade, "month" date not null,
  "item_id" int not null references "standard_items" ("id") on delete cascade,
  "score" numeric(4, 3) not null check ("score" >= 0 and "score" <= 1), "note" varchar(500) null,
  "assessed_by" int not null references "officers" ("id"), "assessed_at" timestamptz(3) not null default now(),
  primary key ("unit_id", "month", "item_id"));`);

    // Risk warning letters (风险提示函) to regions below target in a month.
    this.addSql(`create table "warning_letters" (
  "id" serial primary key, "region_id" int not null references "units" ("id"), "month" date not null,
  "issued_at" timestamptz(3) not null, "findings" jsonb not null, unique ("region_id", "month"));`);

    this.addSql(`select recount_units();`);
    this.addSql(`select rebuild_case_stats();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "warning_letters";`);
    this.addSql(`drop table if exists "assessments";`);
    this.addSql(`drop table if exists "standard_items";`);
    this.addSql(`drop table if exists "unit_warnings";`);
    this.addSql(`drop trigger if exists "units_counts" on "units";`);
    this.addSql(`drop function if exists "units_recount"();`);
    this.addSql(`drop function if exists "recount_units"();`);
    this.addSql(`drop table if exists "unit_counts";`);
    this.addSql(`drop index if exists "units_baseline_idx";`);
    this.addSql(`drop function if exists "rebuild_case_stats"();`);
    this.addSql(`drop trigger if exists "cases_stats" on "cases";`);
    this.addSql(`drop function if exists "case_stats_apply"();`);
    this.addSql(`drop function if exists "stat_units"(int, text);`);
    this.addSql(`drop function if exists "case_stat_rows"("cases");`);
    this.addSql(`drop index if exists "cases_open_emergency_idx";`);
    this.addSql(`drop table if exists "open_stats";`);
    this.addSql(`drop table if exists "case_stats";`);
    this.addSql(`drop function if exists "sanling_month"(timestamptz);`);
    this.addSql(`alter table "cases" drop column "stock";`);
  }
}
