import { Migration } from '@mikro-orm/migrations';

export class Migration20261130030000_placeSearch extends Migration {
  override async up(): Promise<void> {
    // Residents name their village without 村 (磁窑, two characters): trigrams cannot serve a search
    // that short, so unit names get the same index of 1- and 2-character substrings as case text.
    this.addSql(`create index "units_name_grams_idx" on "units" using gin ("case_search_grams"("name"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "units_name_grams_idx";`);
  }
}
