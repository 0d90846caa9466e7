import { Migration } from '@mikro-orm/migrations';

export class Migration20261129150000_scheduling extends Migration {
  override async up(): Promise<void> {
    // Pushes get a state: delivered, a dead letter after too many failed sends, or dropped with the reason it no longer applied.
    this.addSql(
      `alter table "outbox" add column "status" text check ("status" in ('PENDING', 'DELIVERED', 'DEAD', 'DROPPED')) not null default 'PENDING', add column "claimed_until" timestamptz(3) null, add column "reason" varchar(200) null;`,
    );
    this.addSql(`update "outbox" set "status" = 'DELIVERED' where "delivered_at" is not null;`);
    this.addSql(`drop index if exists "outbox_pending_idx";`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("available_at") where "status" = 'PENDING';`);
    this.addSql(`create index "outbox_dead_idx" on "outbox" ("id") where "status" = 'DEAD';`);

    // When a case next needs the sweep's attention (a supervision threshold, an emergency re-push, a
    // return-visit reminder): the sweep reads only rows whose time has come.
    this.addSql(`alter table "cases" add column "next_check_at" timestamptz(3) null;`);
    this.addSql(`create index "cases_next_check_idx" on "cases" ("next_check_at") where "next_check_at" is not null;`);

    // Each scheduled job runs once per period however many workers fire it.
    this.addSql(
      `create table "job_runs" ("job" varchar(64) not null, "period" varchar(64) not null, "started_at" timestamptz(3) not null, "finished_at" timestamptz(3) null, "result" jsonb null, constraint "job_runs_pkey" primary key ("job", "period"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_runs" cascade;`);
    this.addSql(`drop index if exists "cases_next_check_idx";`);
    this.addSql(`alter table "cases" drop column "next_check_at";`);
    this.addSql(`drop index if exists "outbox_dead_idx";`);
    this.addSql(`drop index if exists "outbox_pending_idx";`);
    this.addSql(`alter table "outbox" drop column "status", drop column "claimed_until", drop column "reason";`);
    this.addSql(`create index "outbox_pending_idx" on "outbox" ("available_at") where "delivered_at" is null;`);
  }
}
