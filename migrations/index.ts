import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123130721_initial } from './Migration20261123130721_initial';
import { Migration20261123135039_workflow } from './Migration20261123135039_workflow';
import { Migration20261123140457_chat } from './Migration20261123140457_chat';
import { Migration20261123141847_officerChat } from './Migration20261123141847_officerChat';
import { Migration20261129120000_loginSecurity } from './Migration20261129120000_loginSecurity';
import { Migration20261129130000_chatLimits } from './Migration20261129130000_chatLimits';
import { Migration20261129150000_scheduling } from './Migration20261129150000_scheduling';
import { Migration20261129170000_search } from './Migration20261129170000_search';
import { Migration20261130010000_officerNotify } from './Migration20261130010000_officerNotify';
import { Migration20261130020000_commandCentre } from './Migration20261130020000_commandCentre';
import { Migration20261130030000_placeSearch } from './Migration20261130030000_placeSearch';
import { Migration20261130040000_regionBreaks } from './Migration20261130040000_regionBreaks';
import { Migration20261130050000_statementStats } from './Migration20261130050000_statementStats';
import { Migration20261130060000_regionCounts } from './Migration20261130060000_regionCounts';
import { Migration20261202120000_sqlDefinitions } from './Migration20261202120000_sqlDefinitions';
import { Migration20261202180000_logout } from './Migration20261202180000_logout';
import { Migration20261202190000_ownWork } from './Migration20261202190000_ownWork';
import { applyStatistics, type SqlRunner } from '../src/domain/stats/statistics';

/** Every migration, in order. Listed explicitly so compiled and test runs load the same files. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123130721_initial', class: Migration20261123130721_initial },
  { name: 'Migration20261123135039_workflow', class: Migration20261123135039_workflow },
  { name: 'Migration20261123140457_chat', class: Migration20261123140457_chat },
  { name: 'Migration20261123141847_officerChat', class: Migration20261123141847_officerChat },
  { name: 'Migration20261129120000_loginSecurity', class: Migration20261129120000_loginSecurity },
  { name: 'Migration20261129130000_chatLimits', class: Migration20261129130000_chatLimits },
  { name: 'Migration20261129150000_scheduling', class: Migration20261129150000_scheduling },
  { name: 'Migration20261129170000_search', class: Migration20261129170000_search },
  { name: 'Migration20261130010000_officerNotify', class: Migration20261130010000_officerNotify },
  { name: 'Migration20261130020000_commandCentre', class: Migration20261130020000_commandCentre },
  { name: 'Migration20261130030000_placeSearch', class: Migration20261130030000_placeSearch },
  { name: 'Migration20261130040000_regionBreaks', class: Migration20261130040000_regionBreaks },
  { name: 'Migration20261130050000_statementStats', class: Migration20261130050000_statementStats },
  { name: 'Migration20261130060000_regionCounts', class: Migration20261130060000_regionCounts },
  { name: 'Migration20261202120000_sqlDefinitions', class: Migration20261202120000_sqlDefinitions },
  { name: 'Migration20261202180000_logout', class: Migration20261202180000_logout },
  { name: 'Migration20261202190000_ownWork', class: Migration20261202190000_ownWork },
];

/**
 * What runs after the migrations, in a transaction of `run`: the SQL kept current outside them (the
 * statistics' functions and triggers), applied when it changed. Answers the names of what was applied.
 */
export async function afterMigrations(run: SqlRunner): Promise<string[]> {
  return (await applyStatistics(run)) ? ['statistics functions and triggers'] : [];
}
