import { Migration } from '@mikro-orm/migrations';

export class Migration20261123135039_workflow extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "calendar_days" ("date" date not null, "type" text check ("type" in ('HOLIDAY', 'WORKDAY')) not null, "name" varchar(100) not null default '', constraint "calendar_days_pkey" primary key ("date"));`,
    );

    this.addSql(
      `create table "outbox" ("id" bigserial primary key, "topic" varchar(64) not null, "recipient" varchar(200) not null, "payload" jsonb not null, "dedupe_key" varchar(200) not null, "created_at" timestamptz(3) not null default now(), "available_at" timestamptz(3) not null default now(), "delivered_at" timestamptz(3) null, "attempts" int not null default 0, "last_error" text null);`,
    );
    this.addSql(`alter table "outbox" add constraint "outbox_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "outbox_recipient_idx" on "outbox" ("recipient", "id");`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("available_at") where "delivered_at" is null;`);

    this.addSql(
      `create table "sla_policies" ("id" serial primary key, "kind" text check ("kind" in ('PETITION', 'DISPUTE', 'SAFETY_HAZARD', 'PUBLIC_ORDER_HAZARD', 'ACCIDENT', 'CRIMINAL_CASE', 'PUBLIC_ORDER_CASE', 'OTHER')) not null, "priority" text check ("priority" in ('NORMAL', 'URGENT', 'EMERGENCY')) not null, "accept_amount" int not null, "accept_unit" text check ("accept_unit" in ('MINUTES', 'HOURS', 'DAYS', 'WORKING_DAYS')) not null, "resolve_amount" int not null, "resolve_unit" text check ("resolve_unit" in ('MINUTES', 'HOURS', 'DAYS', 'WORKING_DAYS')) not null, "extended_amount" int null, "extended_unit" text check ("extended_unit" in ('MINUTES', 'HOURS', 'DAYS', 'WORKING_DAYS')) null, "updated_at" timestamptz(3) not null default now());`,
    );
    this.addSql(`alter table "sla_policies" add constraint "sla_policies_kind_priority_unique" unique ("kind", "priority");`);

    this.addSql(
      `create table "case_followers" ("case_id" int not null, "resident_id" int not null, constraint "case_followers_pkey" primary key ("case_id", "resident_id"));`,
    );

    this.addSql(
      `alter table "case_followers" add constraint "case_followers_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "case_followers" add constraint "case_followers_resident_id_foreign" foreign key ("resident_id") references "residents" ("id") on update cascade on delete cascade;`,
    );

    // The official 2026 schedule (data/cn-holidays-2026.csv; State Council notice of 4 Nov 2025).
    // Later years are imported with `npm run admin -- import-calendar FILE.csv`.
    this.addSql(`insert into "calendar_days" ("date", "type", "name") values
('2026-01-01','HOLIDAY','元旦'),
('2026-01-02','HOLIDAY','元旦'),
('2026-01-03','HOLIDAY','元旦'),
('2026-01-04','WORKDAY','元旦调休上班'),
('2026-02-14','WORKDAY','春节调休上班'),
('2026-02-15','HOLIDAY','春节'),
('2026-02-16','HOLIDAY','春节'),
('2026-02-17','HOLIDAY','春节'),
('2026-02-18','HOLIDAY','春节'),
('2026-02-19','HOLIDAY','春节'),
('2026-02-20','HOLIDAY','春节'),
('2026-02-21','HOLIDAY','春节'),
('2026-02-22','HOLIDAY','春节'),
('2026-02-23','HOLIDAY','春节'),
('2026-02-28','WORKDAY','春节调休上班'),
('2026-04-04','HOLIDAY','清明节'),
('2026-04-05','HOLIDAY','清明节'),
('2026-04-06','HOLIDAY','清明节'),
('2026-05-01','HOLIDAY','劳动节'),
('2026-05-02','HOLIDAY','劳动节'),
('2026-05-03','HOLIDAY','劳动节'),
('2026-05-04','HOLIDAY','劳动节'),
('2026-05-05','HOLIDAY','劳动节'),
('2026-05-09','WORKDAY','劳动节调休上班'),
('2026-06-19','HOLIDAY','端午节'),
('2026-06-20','HOLIDAY','端午节'),
('2026-06-21','HOLIDAY','端午节'),
('2026-09-20','WORKDAY','国庆节调休上班'),
('2026-09-25','HOLIDAY','中秋节'),
('2026-09-26','HOLIDAY','中秋节'),
('2026-09-27','HOLIDAY','中秋节'),
('2026-10-01','HOLIDAY','国庆节'),
('2026-10-02','HOLIDAY','国庆节'),
('2026-10-03','HOLIDAY','国庆节'),
('2026-10-04','HOLIDAY','国庆节'),
('2026-10-05','HOLIDAY','国庆节'),
('2026-10-06','HOLIDAY','国庆节'),
('2026-10-07','HOLIDAY','国庆节'),
('2026-10-10','WORKDAY','国庆节调休上班')
on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "calendar_days" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);

    this.addSql(`drop table if exists "sla_policies" cascade;`);

    this.addSql(`drop table if exists "case_followers" cascade;`);
  }
}
