import { Migration } from '@mikro-orm/migrations';

export class Migration20261123140457_chat extends Migration {
  override async up(): Promise<void> {
    // Edit distance for place names with a typo (trigrams miss one-character slips in short Chinese names).
    this.addSql(`create extension if not exists fuzzystrmatch;`);
    this.addSql(
      `create table "chat_inbox" ("channel" text check ("channel" in ('WECHAT', 'WEB_CHAT', 'GRAPHQL', 'OPEN311', 'HOTLINE', 'IMPORT')) not null, "message_id" varchar(200) not null, "contact_id" varchar(200) not null, "replies" jsonb not null, "created_at" timestamptz(3) not null default now(), constraint "chat_inbox_pkey" primary key ("channel", "message_id"));`,
    );

    this.addSql(
      `create table "chat_sessions" ("channel" text check ("channel" in ('WECHAT', 'WEB_CHAT', 'GRAPHQL', 'OPEN311', 'HOTLINE', 'IMPORT')) not null, "contact_id" varchar(200) not null, "state" jsonb not null default '{}', "updated_at" timestamptz(3) not null default now(), "window_start" timestamptz(3) not null default now(), "window_count" int not null default 0, constraint "chat_sessions_pkey" primary key ("channel", "contact_id"));`,
    );

    this.addSql(`alter table "cases" add column "anonymous" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "chat_inbox" cascade;`);

    this.addSql(`drop table if exists "chat_sessions" cascade;`);

    this.addSql(`alter table "cases" drop column "anonymous";`);
  }
}
