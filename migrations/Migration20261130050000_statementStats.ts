import { Migration } from '@mikro-orm/migrations';

export const CHANGED = `(o.status, o.kind, o.priority, o.unit_id, o.unit_path, o.reported_at, o.accepted_at, o.accept_due_at, o.resolved_at,
    o.due_at, o.supervision_level, o.return_visit, o.escalation, o.escalated_at, o.stock)
  is distinct from (n.status, n.kind, n.priority, n.unit_id, n.unit_path, n.reported_at, n.accepted_at, n.accept_due_at, n.resolved_at,
    n.due_at, n.supervision_level, n.return_visit, n.escalation, n.escalated_at, n.stock)`;

/*
 * The statistics triggers run once per statement over its transition tables instead of once per row:
 * one statement changing ten thousand cases of one unit and month was ten thousand updates of the same
 * statistics rows in one transaction, each walking the versions the previous ones left (minutes);
 * now it is one aggregated update per statistics row. A single-case change costs the same as before.
 */
export class Migration20261130050000_statementStats extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop trigger if exists "cases_stats" on "cases";`);
    this.addSql(`drop trigger if exists "cases_stats_zero" on "cases";`);
    this.addSql(`drop function if exists "case_stats_apply"();`);
    this.addSql(`drop function if exists "case_breaks_apply"();`);

    // Files the difference between the cases as they were (olds) and as they are (news).
    this.addSql(`create function "apply_case_changes"(olds "cases"[], news "cases"[]) returns void language plpgsql as $$
declare
  touched record;
begin
  insert into case_stats as s (unit_id, own, month, kind, reported, accepted_in_time, resolved, resolved_in_time, went_overdue,
    visited, satisfied, beyond_unit, stock, stock_cleared)
  select u.id, u.own, r.month, r.kind, sum(r.sign * r.reported), sum(r.sign * r.accepted_in_time), sum(r.sign * r.resolved),
    sum(r.sign * r.resolved_in_time), sum(r.sign * r.went_overdue), sum(r.sign * r.visited), sum(r.sign * r.satisfied),
    sum(r.sign * r.beyond_unit), sum(r.sign * r.stock), sum(r.sign * r.stock_cleared)
  from (
    select 1 as sign, x.*, c.unit_id as uid, c.unit_path as upath from unnest(news) c cross join lateral case_stat_rows(c) x
    union all
    select -1, x.*, c.unit_id, c.unit_path from unnest(olds) c cross join lateral case_stat_rows(c) x
  ) r cross join lateral stat_units(r.uid, r.upath) u
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
    select 1 as sign, c.kind, c.priority, c.supervision_level, c.unit_id, c.unit_path from unnest(news) c
    where c.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')
    union all
    select -1, c.kind, c.priority, c.supervision_level, c.unit_id, c.unit_path from unnest(olds) c
    where c.status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS')
  ) r cross join lateral stat_units(r.unit_id, r.unit_path) u
  group by u.id, u.own, r.kind, r.priority, r.supervision_level
  having sum(r.sign) <> 0
  on conflict (unit_id, own, kind, priority, supervision_level) do update set open = s.open + excluded.open;

  -- The units and months whose zero status may have changed: judged again from the rows above.
  for touched in
    select distinct c.unit_id, x.month
    from (select * from unnest(news) union all select * from unnest(olds)) c cross join lateral case_stat_rows(c) x
  loop
    perform sync_unit_break(touched.unit_id, touched.month);
  end loop;
end $$;`);

    this.addSql(`create function "cases_stats_inserted"() returns trigger language plpgsql as $$
begin
  perform apply_case_changes('{}'::cases[], array(select n::cases from new_cases n));
  return null;
end $$;`);
    this.addSql(`create function "cases_stats_updated"() returns trigger language plpgsql as $$
begin
  perform apply_case_changes(
    array(select o::cases from old_cases o join new_cases n on n.id = o.id where ${CHANGED}),
    array(select n::cases from new_cases n join old_cases o on o.id = n.id where ${CHANGED}));
  return null;
end $$;`);
    this.addSql(`create function "cases_stats_deleted"() returns trigger language plpgsql as $$
begin
  perform apply_case_changes(array(select o::cases from old_cases o), '{}'::cases[]);
  return null;
end $$;`);
    // A trigger with transition tables fires for one kind of event only: three of them.
    this.addSql(
      `create trigger "cases_stats_insert" after insert on "cases" referencing new table as new_cases for each statement execute function "cases_stats_inserted"();`,
    );
    this.addSql(
      `create trigger "cases_stats_update" after update on "cases" referencing old table as old_cases new table as new_cases for each statement execute function "cases_stats_updated"();`,
    );
    this.addSql(
      `create trigger "cases_stats_delete" after delete on "cases" referencing old table as old_cases for each statement execute function "cases_stats_deleted"();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "cases_stats_insert" on "cases";`);
    this.addSql(`drop trigger if exists "cases_stats_update" on "cases";`);
    this.addSql(`drop trigger if exists "cases_stats_delete" on "cases";`);
    this.addSql(`drop function if exists "cases_stats_inserted"();`);
    this.addSql(`drop function if exists "cases_stats_updated"();`);
    this.addSql(`drop function if exists "cases_stats_deleted"();`);
    this.addSql(`drop function if exists "apply_case_changes"("cases"[], "cases"[]);`);
    // The row triggers of the earlier migrations come back only by running those again.
  }
}
