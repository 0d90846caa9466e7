import { Migration } from '@mikro-orm/migrations';

export class Migration20261202190000_ownWork extends Migration {
  override async up(): Promise<void> {
    // The workbench's 待办: an officer's cases by status without reading their whole jurisdiction.
    this.addSql(`create index "cases_assignee_status_idx" on "cases" ("assignee_id", "status");`);
    this.addSql(`create index "cases_unassigned_handling_idx" on "cases" ("handling_unit_id", "status") where "assignee_id" is null;`);
    // A case's similar cases: the same or a neighbouring unit within 90 days, as one index range per unit.
    this.addSql(`create index "cases_unit_reported_idx" on "cases" ("unit_id", "reported_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "cases_unit_reported_idx";`);
    this.addSql(`drop index if exists "cases_unassigned_handling_idx";`);
    this.addSql(`drop index if exists "cases_assignee_status_idx";`);
  }
}
