import { OfficerRole, RUNNING_STATUSES, sqlStatuses } from '../../entities';
import { hasRole } from '../access/access';

const IN_RUNNING = sqlStatuses(RUNNING_STATUSES);
const HANDLERS = `(${Object.values(OfficerRole)
  .filter((role) => hasRole({ role }, OfficerRole.OFFICER))
  .map((r) => `'${r}'`)
  .join(',')})`;

/**
 * The cases an officer works (待办), as SQL: running cases assigned to them, and for officers and
 * above the unassigned ones their unit handles. Selects `o.id as officer_id` and `columns` (of
 * cases `c`) for the officers matching `officerWhere` (over officers `o`). Both halves use their
 * own index (assignee, handling unit), so only cases someone works are read, for any number of
 * officers at once. The chat's 待办 and the morning digest both read it.
 */
export function workloadSql(columns: string, officerWhere: string): string {
  return `
  select o.id as officer_id, ${columns} from officers o join cases c on c.assignee_id = o.id
  where ${officerWhere} and c.status in ${IN_RUNNING}
  union all
  select o.id as officer_id, ${columns} from officers o join cases c on c.handling_unit_id = o.unit_id and c.assignee_id is null
  where ${officerWhere} and o.role in ${HANDLERS} and c.status in ${IN_RUNNING}`;
}
