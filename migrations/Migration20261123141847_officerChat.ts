import { Migration } from '@mikro-orm/migrations';

export class Migration20261123141847_officerChat extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "officers" add column "binding_code_hash" varchar(64) null, add column "binding_code_expires_at" timestamptz(3) null;`);
    this.addSql(`alter table "officers" add constraint "officers_chat_contact_unique" unique ("chat_contact");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "officers" drop constraint "officers_chat_contact_unique";`);
    this.addSql(`alter table "officers" drop column "binding_code_hash", drop column "binding_code_expires_at";`);
  }
}
