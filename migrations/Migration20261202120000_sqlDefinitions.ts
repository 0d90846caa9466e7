import { Migration } from '@mikro-orm/migrations';

/*
 * Where the database records which version of the SQL defined outside migrations it holds: the
 * statistics functions and triggers live in src/domain/stats/statistics.sql and are applied after
 * the migrations whenever they change (src/domain/stats/statistics.ts).
 */
export class Migration20261202120000_sqlDefinitions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sql_definitions" ("name" text primary key, "checksum" text not null, "applied_at" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sql_definitions";`);
  }
}
