import { Migration } from '@mikro-orm/migrations';

export class Migration20261130010000_officerNotify extends Migration {
  override async up(): Promise<void> {
    // Servers keep who a token belongs to for a few seconds; any change to an officer (deactivation,
    // role, unit) or to where units sit in the tree tells them to forget it at once, whoever made the
    // change (the server, the admin CLI, SQL by hand).
    this.addSql(`create function "officer_changed"() returns trigger language plpgsql as $$
begin
  perform pg_notify('sanling_officer', coalesce(old.id, new.id)::text);
  return null;
end $$;`);
    this.addSql(`create trigger "officers_notify" after update or delete on "officers" for each row execute function "officer_changed"();`);
    this.addSql(`create function "unit_moved"() returns trigger language plpgsql as $$
begin
  perform pg_notify('sanling_officer', '*');
  return null;
end $$;`);
    this.addSql(`create trigger "units_notify" after update of "path" on "units" for each statement execute function "unit_moved"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "units_notify" on "units";`);
    this.addSql(`drop function if exists "unit_moved"();`);
    this.addSql(`drop trigger if exists "officers_notify" on "officers";`);
    this.addSql(`drop function if exists "officer_changed"();`);
  }
}
