import { Migration } from '@mikro-orm/migrations';

const CHANNELS = `('WECHAT', 'WEB_CHAT', 'GRAPHQL', 'OPEN311', 'HOTLINE', 'IMPORT')`;

export class Migration20261129130000_chatLimits extends Migration {
  override async up(): Promise<void> {
    // Message ids are the sender's: another contact reusing one must not get this contact's replies.
    this.addSql(`alter table "chat_inbox" drop constraint "chat_inbox_pkey";`);
    this.addSql(`alter table "chat_inbox" add constraint "chat_inbox_pkey" primary key ("channel", "contact_id", "message_id");`);
    // Answers are kept for redeliveries only a while; the sweep drops old ones by this index.
    this.addSql(`create index "chat_inbox_created_at_idx" on "chat_inbox" ("created_at");`);

    // Ledger of stored photos: quotas are one indexed sum, and files nobody uses can be found and swept.
    this.addSql(
      `create table "chat_uploads" ("id" uuid not null, "channel" text check ("channel" in ${CHANNELS}) not null, "contact_id" varchar(200) not null, "bytes" int not null, "created_at" timestamptz(3) not null default now(), "case_id" int null, "removed_at" timestamptz(3) null, constraint "chat_uploads_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "chat_uploads" add constraint "chat_uploads_case_id_foreign" foreign key ("case_id") references "cases" ("id") on update cascade on delete set null;`,
    );
    this.addSql(`create index "chat_uploads_contact_idx" on "chat_uploads" ("channel", "contact_id", "created_at") include ("bytes");`);
    this.addSql(`create index "chat_uploads_created_idx" on "chat_uploads" ("created_at") include ("bytes");`);
    this.addSql(`create index "chat_uploads_unattached_idx" on "chat_uploads" ("created_at") where "case_id" is null and "removed_at" is null;`);

    // Fixed-window counters shared by every instance (new web contacts per address).
    this.addSql(
      `create table "chat_rate_windows" ("key" varchar(300) not null, "window_start" timestamptz(3) not null, "count" int not null, constraint "chat_rate_windows_pkey" primary key ("key"));`,
    );

    // Photos stored before the ledger existed: linked to their cases, or still in a running dialog, so the sweep keeps them.
    this.addSql(`insert into "chat_uploads" ("id", "channel", "contact_id", "bytes", "created_at", "case_id")
      select distinct on ((a->>'id')::uuid) (a->>'id')::uuid, c.channel, coalesce(r.external_id, ''), coalesce((a->>'size')::int, 0), c.reported_at, c.id
      from "cases" c join "residents" r on r.id = c.reporter_id cross join jsonb_array_elements(c.attachments) a
      where c.channel in ('WECHAT', 'WEB_CHAT') and a->>'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      on conflict do nothing;`);
    this.addSql(`insert into "chat_uploads" ("id", "channel", "contact_id", "bytes", "case_id")
      select distinct on ((p->>'id')::uuid) (p->>'id')::uuid, s.channel, s.contact_id, coalesce((p->>'size')::int, 0), null
      from "chat_sessions" s cross join jsonb_array_elements(case when jsonb_typeof(s.state->'draft'->'photos') = 'array' then s.state->'draft'->'photos' else '[]'::jsonb end) p
      where p->>'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "chat_rate_windows" cascade;`);
    this.addSql(`drop table if exists "chat_uploads" cascade;`);
    this.addSql(`drop index if exists "chat_inbox_created_at_idx";`);
    this.addSql(`alter table "chat_inbox" drop constraint "chat_inbox_pkey";`);
    this.addSql(`delete from "chat_inbox" a using "chat_inbox" b where a.channel = b.channel and a.message_id = b.message_id and a.ctid > b.ctid;`);
    this.addSql(`alter table "chat_inbox" add constraint "chat_inbox_pkey" primary key ("channel", "message_id");`);
  }
}
