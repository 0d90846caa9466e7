import { Migration } from '@mikro-orm/migrations';

export class Migration20261129170000_search extends Migration {
  override async up(): Promise<void> {
    // Trigrams need three characters, and Chinese searches are often one or two (纠纷, 水): index every
    // one- and two-character substring of the lower-cased text, so a short search is an index lookup.
    // Plpgsql appends in place (several times faster than a set-returning SQL body); the high cost
    // (about 40 µs a row) keeps the planner from calling it as a row filter where the index can answer.
    this.addSql(`create function "case_search_grams"(t text) returns text[] language plpgsql immutable strict parallel safe cost 1000 as $$
declare
  chars text[] := regexp_split_to_array(lower(t), '');
  grams text[] := case when t = '' then '{}' else chars end;
begin
  for i in 1 .. cardinality(chars) - 1 loop
    grams := grams || (chars[i] || chars[i + 1]);
  end loop;
  return grams;
end $$;`);
    // More memory than the default makes the one-off build on a large table several times faster.
    this.addSql(`set local maintenance_work_mem = '256MB';`);
    this.addSql(`create index "cases_text_grams_idx" on "cases" using gin ("case_search_grams"("title" || ' ' || "description"));`);
    // The planner's statistics on the new expression decide between the index and an ordered scan, and feed estimated counts.
    this.addSql(`analyze "cases";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "cases_text_grams_idx";`);
    this.addSql(`drop function if exists "case_search_grams"(text);`);
  }
}
