-- The command centre's statistics, kept by the database: every function and trigger, in their
-- current form. Applied after the migrations whenever this file (or the rule functions generated in
-- src/domain/stats/statistics.ts before it) changed; a test checks the live database's definitions
-- equal these. Change the statistics here, never in a migration. Rules are not written out here:
-- statuses go through case_is_running / case_counts, the zero rule through stats_break_zero, and
-- Beijing months through sanling_month, all generated from TypeScript.

create or replace function apply_case_changes(olds cases[], news cases[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
    where case_is_running(c.status)
    union all
    select -1, c.kind, c.priority, c.supervision_level, c.unit_id, c.unit_path from unnest(olds) c
    where case_is_running(c.status)
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
end $function$
;

create or replace function apply_case_changes_locked(olds cases[], news cases[])
 RETURNS void
 LANGUAGE plpgsql
AS $function$
begin
  perform 1 from units u where u.id in (select c.unit_id from unnest(olds) c union select c.unit_id from unnest(news) c) order by u.id for no key update;
  perform apply_case_changes(olds, news);
end $function$
;

create or replace function apply_unit_zero(olds units[], news units[])
 RETURNS void
 LANGUAGE sql
AS $function$
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
$function$
;

create or replace function case_stat_rows(c cases)
 RETURNS TABLE(month date, kind text, reported integer, accepted_in_time integer, resolved integer, resolved_in_time integer, went_overdue integer, visited integer, satisfied integer, beyond_unit integer, stock integer, stock_cleared integer)
 LANGUAGE sql
 IMMUTABLE
AS $function$
  select sanling_month(c.reported_at), c.kind, 1,
    (c.accepted_at is not null and c.accepted_at <= c.accept_due_at)::int,
    (c.resolved_at is not null)::int,
    (c.resolved_at is not null and c.resolved_at <= c.due_at)::int,
    ((c.resolved_at is not null and c.resolved_at > c.due_at)
      or (c.resolved_at is null and c.supervision_level in ('URGED', 'SUPERVISED', 'LISTED')))::int,
    (c.return_visit is not null)::int,
    coalesce(c.return_visit in ('SATISFIED', 'BASICALLY_SATISFIED'), false)::int,
    0, c.stock::int, 0
  where case_counts(c.status)
  union all
  select sanling_month(c.escalated_at), c.kind, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0
  where case_counts(c.status) and c.escalation = 'BEYOND_UNIT' and c.escalated_at is not null
  union all
  select sanling_month(c.resolved_at), c.kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
  where case_counts(c.status) and c.stock and c.resolved_at is not null
$function$
;

create or replace function cases_stats_deleted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform apply_case_changes_locked(array(select o::cases from old_cases o), '{}'::cases[]);
  return null;
end $function$
;

create or replace function cases_stats_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform apply_case_changes_locked('{}'::cases[], array(select n::cases from new_cases n));
  return null;
end $function$
;

create or replace function cases_stats_updated()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  olds cases[];
  news cases[];
begin
  execute $q$select array(select o::cases from old_cases o join new_cases n on n.id = o.id where (o.status, o.kind, o.priority, o.unit_id, o.unit_path, o.reported_at, o.accepted_at, o.accept_due_at, o.resolved_at,
    o.due_at, o.supervision_level, o.return_visit, o.escalation, o.escalated_at, o.stock)
  is distinct from (n.status, n.kind, n.priority, n.unit_id, n.unit_path, n.reported_at, n.accepted_at, n.accept_due_at, n.resolved_at,
    n.due_at, n.supervision_level, n.return_visit, n.escalation, n.escalated_at, n.stock)),
    array(select n::cases from new_cases n join old_cases o on o.id = n.id where (o.status, o.kind, o.priority, o.unit_id, o.unit_path, o.reported_at, o.accepted_at, o.accept_due_at, o.resolved_at,
    o.due_at, o.supervision_level, o.return_visit, o.escalation, o.escalated_at, o.stock)
  is distinct from (n.status, n.kind, n.priority, n.unit_id, n.unit_path, n.reported_at, n.accepted_at, n.accept_due_at, n.resolved_at,
    n.due_at, n.supervision_level, n.return_visit, n.escalation, n.escalated_at, n.stock))$q$ into olds, news;
  perform apply_case_changes_locked(olds, news);
  return null;
end $function$
;

create or replace function rebuild_case_figures()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
  where case_is_running(c.status)
  group by a.id, a.own, c.kind, c.priority, c.supervision_level;
  insert into unit_month_breaks (unit_id, month)
  select distinct s.unit_id, s.month from case_stats s where s.own and stats_break_zero(s.kind, s.reported, s.beyond_unit);
  insert into region_breaks (region_id, month, category, broken)
  select x::int, b.month, u.category, count(*)
  from unit_month_breaks b join units u on u.id = b.unit_id cross join unnest(string_to_array(trim(both '/' from u.path), '/')) x
  where u.category <> 'REGION' and x::int <> u.id
  group by 1, 2, 3;
end $function$
;

create or replace function rebuild_case_stats()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
begin
  perform rebuild_case_figures();
  perform rebuild_zero_since();
end $function$
;

create or replace function rebuild_zero_since()
 RETURNS void
 LANGUAGE sql
AS $function$
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
$function$
;

create or replace function recount_units()
 RETURNS void
 LANGUAGE sql
AS $function$
  delete from unit_counts;
  insert into unit_counts (region_id, category, units)
  select a.id, u.category, count(*)
  from units u cross join lateral stat_units(u.id, u.path) a
  where u.category <> 'REGION' and not a.own and a.id <> u.id
  group by a.id, u.category;
$function$
;

create or replace function region_breaks_add(u_id integer, u_path text, u_category text, m date, sign integer)
 RETURNS void
 LANGUAGE sql
AS $function$
  insert into region_breaks as b (region_id, month, category, broken)
  select x::int, m, u_category, sign from unnest(string_to_array(trim(both '/' from u_path), '/')) x
  where u_category <> 'REGION' and x::int <> u_id
  on conflict (region_id, month, category) do update set broken = b.broken + excluded.broken;
$function$
;

create or replace function region_zero_move(u_id integer, u_path text, u_category text, since_before date, since_after date)
 RETURNS void
 LANGUAGE sql
AS $function$
  insert into region_zero_since as z (region_id, zero_since, units)
  select x::int, m.since, m.sign
  from unnest(string_to_array(trim(both '/' from u_path), '/')) x, (values (since_before, -1), (since_after, 1)) m(since, sign)
  where u_category <> 'REGION' and x::int <> u_id
  on conflict (region_id, zero_since) do update set units = z.units + excluded.units;
$function$
;

create or replace function stat_units(unit_id integer, path text)
 RETURNS TABLE(id integer, own boolean)
 LANGUAGE sql
 IMMUTABLE
AS $function$
  select unit_id, true
  union all
  select x::int, false from unnest(string_to_array(trim(both '/' from path), '/')) x
$function$
;

create or replace function sync_unit_break(u_id integer, m date)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
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
end $function$
;

create or replace function sync_unit_month_break(u_id integer, m date)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
declare
  now_broken boolean;
  was_broken boolean;
  u record;
begin
  select exists (select 1 from case_stats s where s.unit_id = u_id and s.month = m and s.own and stats_break_zero(s.kind, s.reported, s.beyond_unit)) into now_broken;
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
end $function$
;

create or replace function unit_breaks_moved()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
end $function$
;

create or replace function unit_month_breaks_fill()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  select u.code, u.category, u.path into new.code, new.category, new.path from units u where u.id = new.unit_id;
  return new;
end $function$
;

create or replace function unit_moved()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform pg_notify('sanling_officer', '*');
  return null;
end $function$
;

create or replace function unit_zero_since(u units)
 RETURNS date
 LANGUAGE sql
 STABLE
AS $function$
  select greatest((sanling_month(u.created_at) + interval '1 month')::date,
    ((select max(b.month) from unit_month_breaks b where b.unit_id = u.id) + interval '1 month')::date)
$function$
;

create or replace function units_figures_deleted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform apply_unit_zero(array(select o::units from old_units o), '{}'::units[]);
  return null;
end $function$
;

create or replace function units_figures_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform apply_unit_zero('{}'::units[], array(select n::units from new_units n));
  return null;
end $function$
;

create or replace function units_figures_updated()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
end $function$
;

create or replace function units_recount()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  perform recount_units();
  return null;
end $function$;

-- Triggers.

drop trigger if exists cases_stats_delete on cases;
create trigger cases_stats_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_stats_deleted();

drop trigger if exists cases_stats_insert on cases;
create trigger cases_stats_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_stats_inserted();

drop trigger if exists cases_stats_update on cases;
create trigger cases_stats_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION cases_stats_updated();

drop trigger if exists unit_month_breaks_fill on unit_month_breaks;
create trigger unit_month_breaks_fill BEFORE INSERT ON unit_month_breaks FOR EACH ROW EXECUTE FUNCTION unit_month_breaks_fill();

drop trigger if exists units_breaks on units;
create trigger units_breaks AFTER UPDATE OF path, category ON units FOR EACH ROW EXECUTE FUNCTION unit_breaks_moved();

drop trigger if exists units_counts on units;
create trigger units_counts AFTER INSERT OR DELETE OR UPDATE OF path, category ON units FOR EACH STATEMENT EXECUTE FUNCTION units_recount();

drop trigger if exists units_figures_delete on units;
create trigger units_figures_delete AFTER DELETE ON units REFERENCING OLD TABLE AS old_units FOR EACH STATEMENT EXECUTE FUNCTION units_figures_deleted();

drop trigger if exists units_figures_insert on units;
create trigger units_figures_insert AFTER INSERT ON units REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION units_figures_inserted();

drop trigger if exists units_figures_update on units;
create trigger units_figures_update AFTER UPDATE ON units REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION units_figures_updated();
