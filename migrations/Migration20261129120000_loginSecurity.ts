import { Migration } from '@mikro-orm/migrations';

const OUTCOMES = `('SUCCESS', 'WRONG_PASSWORD', 'UNKNOWN_PHONE', 'INACTIVE', 'THROTTLED', 'LOCKED')`;

export class Migration20261129120000_loginSecurity extends Migration {
  override async up(): Promise<void> {
    // Failure counters per phone and per client address, in the database so every API instance sees the same ones.
    this.addSql(
      `create table "login_throttles" ("key" varchar(100) not null, "failures" int not null default 0, "window_start" timestamptz(3) not null, "last_failure_at" timestamptz(3) not null, constraint "login_throttles_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "login_throttles_last_failure_idx" on "login_throttles" ("last_failure_at");`);

    this.addSql(
      `create table "login_attempts" ("id" bigserial primary key, "at" timestamptz(3) not null, "phone" varchar(32) not null, "officer_id" int null, "client_address" varchar(64) not null, "outcome" text check ("outcome" in ${OUTCOMES}) not null);`,
    );
    this.addSql(
      `alter table "login_attempts" add constraint "login_attempts_officer_id_foreign" foreign key ("officer_id") references "officers" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "login_attempts_officer_idx" on "login_attempts" ("officer_id", "id");`);
    // Refusals are recorded once a minute per phone or address: these find the last one.
    this.addSql(`create index "login_attempts_refused_phone_idx" on "login_attempts" ("phone", "at") where "outcome" in ('THROTTLED', 'LOCKED');`);
    this.addSql(`create index "login_attempts_refused_address_idx" on "login_attempts" ("client_address", "at") where "outcome" = 'THROTTLED';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_attempts" cascade;`);
    this.addSql(`drop table if exists "login_throttles" cascade;`);
  }
}
