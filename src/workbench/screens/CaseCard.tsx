import { graphql } from '../gql';
import type { CaseCardFragment } from '../gql/graphql';
import { KIND_LABEL, PRIORITY_LABEL, STATUS_LABEL, SUPERVISION_LABEL } from '../../shared/labels';
import { timeLeft } from '../format';
import { href } from '../route';

export const CASE_CARD = graphql(`
  fragment CaseCard on Case {
    id
    number
    title
    kind
    priority
    status
    supervisionLevel
    deadline
    overdue
    repeatedPetition
    unit {
      id
      name
    }
    assignee {
      id
      name
    }
  }
`);

/** One case in a list: what it is, where, its status and how much time is left, at a glance. */
export function CaseCard({ data }: { data: CaseCardFragment }) {
  const left = timeLeft(data.deadline);
  return (
    <a className={`card${data.priority === 'EMERGENCY' ? ' emergency' : ''}`} href={href({ name: 'case', id: data.id })}>
      <span className="card-top">
        <span className="number">{data.number}</span>
        {data.priority !== 'NORMAL' && <span className={`tag priority-${data.priority.toLowerCase()}`}>{PRIORITY_LABEL[data.priority]}</span>}
        {data.supervisionLevel !== 'NONE' && (
          <span className={`tag level-${data.supervisionLevel.toLowerCase()}`}>{SUPERVISION_LABEL[data.supervisionLevel]}</span>
        )}
        {data.repeatedPetition && <span className="tag repeat">重复信访</span>}
      </span>
      <span className="title">{data.title}</span>
      <span className="meta">
        {KIND_LABEL[data.kind]} · {data.unit.name} · {STATUS_LABEL[data.status]}
        {data.assignee ? ` · ${data.assignee.name}` : ''}
      </span>
      {left && <span className={left.overdue ? 'due overdue' : 'due'}>{left.text}</span>}
    </a>
  );
}
