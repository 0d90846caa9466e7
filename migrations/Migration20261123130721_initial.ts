import { Migration } from '@mikro-orm/migrations';

export class Migration20261123130721_initial extends Migration {
  override async up(): Promise<void> {
    // Trigram indexes make substring search work for Chinese text (no word boundaries to stem).
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`create table "case_number_counters" ("day" date not null, "last" int not null, constraint "case_number_counters_pkey" primary key ("day"));`);

    this.addSql(
      `create table "residents" ("id" serial primary key, "channel" text check ("channel" in ('WECHAT', 'WEB_CHAT', 'GRAPHQL', 'OPEN311', 'HOTLINE', 'IMPORT')) not null, "external_id" varchar(200) not null, "display_name" varchar(100) not null, "phone" varchar(32) null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "residents" add constraint "residents_channel_external_id_unique" unique ("channel", "external_id");`);

    this.addSql(
      `create table "units" ("id" serial primary key, "code" varchar(64) not null, "name" varchar(200) not null, "kind" text check ("kind" in ('CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE', 'COMMUNITY', 'ENTERPRISE', 'SCHOOL', 'KINDERGARTEN', 'HOSPITAL', 'SCENIC_SPOT', 'MARKET', 'MINE_FACTORY', 'STATION', 'AIRPORT', 'RELIGIOUS_SITE', 'OTHER')) not null, "category" text check ("category" in ('REGION', 'VILLAGE_COMMUNITY', 'ENTERPRISE', 'INSTITUTION')) not null, "parent_id" int null, "path" varchar(512) not null, "depth" int not null, "responsible_officer_id" int null, "baseline_date" date null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "units" add constraint "units_code_unique" unique ("code");`);
    this.addSql(`create index "units_category_index" on "units" ("category");`);
    this.addSql(`create index "units_parent_id_index" on "units" ("parent_id");`);
    this.addSql(`create index "units_name_trgm_idx" on "units" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "units_path_prefix_idx" on "units" ("path" text_pattern_ops);`);

    this.addSql(
      `create table "officers" ("id" serial primary key, "name" varchar(100) not null, "phone" varchar(32) not null, "password_hash" varchar(255) not null, "role" text check ("role" in ('GRID_WORKER', 'OFFICER', 'SUPERVISOR', 'ADMIN')) not null, "unit_id" int not null, "chat_contact" varchar(200) null, "active" boolean not null default true, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "officers" add constraint "officers_phone_unique" unique ("phone");`);
    this.addSql(`create index "officers_unit_id_index" on "officers" ("unit_id");`);

    this.addSql(
      `create table "cases" ("id" serial primary key, "number" varchar(32) not null, "kind" text check ("kind" in ('PETITION', 'DISPUTE', 'SAFETY_HAZARD', 'PUBLIC_ORDER_HAZARD', 'ACCIDENT', 'CRIMINAL_CASE', 'PUBLIC_ORDER_CASE', 'OTHER')) not null, "priority" text check ("priority" in ('NORMAL', 'URGENT', 'EMERGENCY')) not null, "title" varchar(200) not null, "description" text not null, "attachments" jsonb not null default '[]', "unit_id" int not null, "unit_path" varchar(512) not null, "handling_unit_id" int not null, "handling_path" varchar(512) not null, "assignee_id" int null, "reporter_id" int null, "reported_by_id" int null, "channel" text check ("channel" in ('WECHAT', 'WEB_CHAT', 'GRAPHQL', 'OPEN311', 'HOTLINE', 'IMPORT')) not null, "status" text check ("status" in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED', 'MERGED')) not null, "reported_at" timestamptz(3) not null, "accept_due_at" timestamptz(3) not null, "due_at" timestamptz(3) not null, "deadline_extended" boolean not null default false, "accepted_at" timestamptz(3) null, "resolved_at" timestamptz(3) null, "closed_at" timestamptz(3) null, "supervision_level" text check ("supervision_level" in ('NONE', 'REMINDED', 'URGED', 'SUPERVISED', 'LISTED')) not null default 'NONE', "escalation" text check ("escalation" in ('NONE', 'REQUIRES_HIGHER_AUTHORITY', 'BEYOND_UNIT')) not null default 'NONE', "escalated_at" timestamptz(3) null, "return_visit" text check ("return_visit" in ('SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED')) null, "merged_into_id" int null, "created_at" timestamptz(3) not null default now(), "updated_at" timestamptz(3) not null default now(), "version" int not null default 1);`,
    );
    this.addSql(`alter table "cases" add constraint "cases_number_unique" unique ("number");`);
    this.addSql(`create index "cases_unit_id_index" on "cases" ("unit_id");`);
    this.addSql(`create index "cases_handling_unit_id_index" on "cases" ("handling_unit_id");`);
    this.addSql(`create index "cases_assignee_id_index" on "cases" ("assignee_id");`);
    this.addSql(`create index "cases_reporter_id_index" on "cases" ("reporter_id");`);
    this.addSql(`create index "cases_text_trgm_idx" on "cases" using gin (("title" || ' ' || "description") gin_trgm_ops);`);
    this.addSql(`create index "cases_accept_due_idx" on "cases" ("accept_due_at") where "status" = 'REPORTED';`);
    this.addSql(`create index "cases_open_due_idx" on "cases" ("due_at") where "status" in ('REPORTED','ACCEPTED','ASSIGNED','IN_PROGRESS');`);
    this.addSql(`create index "cases_status_reported_at_idx" on "cases" ("status", "reported_at");`);
    this.addSql(`create index "cases_reported_at_idx" on "cases" ("reported_at", "id");`);
    this.addSql(`create index "cases_handling_path_idx" on "cases" ("handling_path" text_pattern_ops, "reported_at");`);
    this.addSql(`create index "cases_unit_path_idx" on "cases" ("unit_path" text_pattern_ops, "reported_at");`);

    this.addSql(
      `create table "case_events" ("id" bigserial primary key, "case_id" int not null, "seq" int not null, "type" text check ("type" in ('REPORT', 'ACCEPT', 'REJECT', 'ASSIGN', 'START', 'RESOLVE', 'CLOSE', 'REOPEN', 'ESCALATE', 'SUPERVISE', 'EXTEND_DEADLINE', 'MERGE', 'MERGED_INTO', 'NOTE', 'RETURN_VISIT', 'REVIEW', 'COLLECTIVE_ANALYSIS', 'MEDIATION', 'HEARING', 'LAWYER', 'JUDICIAL_AID', 'IMPORTED')) not null, "actor_officer_id" int null, "actor_resident_id" int null, "from_status" text check ("from_status" in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED', 'MERGED')) null, "to_status" text check ("to_status" in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED', 'REJECTED', 'MERGED')) null, "note" text null, "data" jsonb null, "created_at" timestamptz(3) not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null);`,
    );
    this.addSql(`alter table "case_events" add constraint "case_events_case_seq_unique" unique ("case_id", "seq");`);

    this.addSql(
      `alter table "units" add constraint "units_parent_id_foreign" foreign key ("parent_id") references "units" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "units" add constraint "units_responsible_officer_id_foreign" foreign key ("responsible_officer_id") references "officers" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "officers" add constraint "officers_unit_id_foreign" foreign key ("unit_id") references "units" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "cases" add constraint "cases_unit_id_foreign" foreign key ("unit_id") references "units" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "cases" add constraint "cases_handling_unit_id_foreign" foreign key ("handling_unit_id") references "units" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "cases" add constraint "cases_assignee_id_foreign" foreign key ("assignee_id") references "officers" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "cases" add constraint "cases_reporter_id_foreign" foreign key ("reporter_id") references "residents" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "cases" add constraint "cases_reported_by_id_foreign" foreign key ("reported_by_id") references "officers" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "cases" add constraint "cases_merged_into_id_foreign" foreign key ("merged_into_id") references "cases" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "case_events" add constraint "case_events_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "case_events" add constraint "case_events_actor_officer_id_foreign" foreign key ("actor_officer_id") references "officers" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "case_events" add constraint "case_events_actor_resident_id_foreign" foreign key ("actor_resident_id") references "residents" ("id") on update cascade on delete restrict;`,
    );

    // The trail is append-only (全程留痕): the database itself refuses edits and deletions.
    this.addSql(`create function case_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'case_events is append-only' using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`create trigger case_events_no_update before update or delete on "case_events" for each row execute function case_events_append_only();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists case_events_no_update on "case_events";`);
    this.addSql(`drop function if exists case_events_append_only();`);
    this.addSql(`alter table "cases" drop constraint "cases_reporter_id_foreign";`);

    this.addSql(`alter table "case_events" drop constraint "case_events_actor_resident_id_foreign";`);

    this.addSql(`alter table "units" drop constraint "units_parent_id_foreign";`);

    this.addSql(`alter table "officers" drop constraint "officers_unit_id_foreign";`);

    this.addSql(`alter table "cases" drop constraint "cases_unit_id_foreign";`);

    this.addSql(`alter table "cases" drop constraint "cases_handling_unit_id_foreign";`);

    this.addSql(`alter table "units" drop constraint "units_responsible_officer_id_foreign";`);

    this.addSql(`alter table "cases" drop constraint "cases_assignee_id_foreign";`);

    this.addSql(`alter table "cases" drop constraint "cases_reported_by_id_foreign";`);

    this.addSql(`alter table "case_events" drop constraint "case_events_actor_officer_id_foreign";`);

    this.addSql(`alter table "cases" drop constraint "cases_merged_into_id_foreign";`);

    this.addSql(`alter table "case_events" drop constraint "case_events_case_id_foreign";`);

    this.addSql(`drop table if exists "case_number_counters" cascade;`);

    this.addSql(`drop table if exists "residents" cascade;`);

    this.addSql(`drop table if exists "units" cascade;`);

    this.addSql(`drop table if exists "officers" cascade;`);

    this.addSql(`drop table if exists "cases" cascade;`);

    this.addSql(`drop table if exists "case_events" cascade;`);
  }
}
