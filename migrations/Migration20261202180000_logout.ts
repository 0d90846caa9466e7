import { Migration } from '@mikro-orm/migrations';

export class Migration20261202180000_logout extends Migration {
  override async up(): Promise<void> {
    // Logging out ends every token issued to the officer before that moment (a phone left behind,
    // a shared device); tokens carry the millisecond they were issued.
    this.addSql(`alter table "officers" add column "tokens_valid_after" timestamptz(3) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "officers" drop column "tokens_valid_after";`);
  }
}
