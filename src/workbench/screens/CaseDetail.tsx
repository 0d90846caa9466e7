import { useEffect, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CaseDetailFragment } from '../gql/graphql';
import { ESCALATION_LABEL, EVENT_LABEL, KIND_LABEL, PRIORITY_LABEL, STATUS_LABEL, SUPERVISION_LABEL, VISIT_LABEL } from '../../shared/labels';
import { timeLeft, when } from '../format';
import { href } from '../route';
import { token } from '../session';
import { Actions } from './Actions';

/*
 * A case as the officer's role may see it (the API masks the reporter's phone where it must): what
 * happened and where, its deadlines and the time left, photos, similar cases and repeat-petition
 * flags, the trail with who did what (the system's own steps included), and the actions the
 * workflow allows this officer now.
 */

export const CASE_DETAIL = graphql(`
  fragment CaseDetail on Case {
    ...CaseCard
    version
    description
    channel
    reportedAt
    acceptDueAt
    dueAt
    resolvedAt
    closedAt
    deadlineExtended
    escalation
    returnVisit
    availableActions
    handlingUnit {
      id
      name
    }
    reporter {
      displayName
      phone
    }
    mergedInto {
      id
      number
    }
    attachments {
      id
      name
      mimeType
      url
    }
    similarCases {
      id
      number
      title
      status
    }
    events(last: 50) {
      edges {
        node {
          id
          type
          createdAt
          note
          fromStatus
          toStatus
          actor {
            kind
            name
          }
          attachments {
            id
            name
            mimeType
            url
          }
        }
      }
    }
  }
`);

const CASE_QUERY = graphql(`
  query CaseDetailScreen($id: ID!) {
    node(id: $id) {
      ... on Case {
        ...CaseDetail
      }
    }
  }
`);

const CHANNEL_LABEL: Record<string, string> = {
  WECHAT: '微信',
  WEB_CHAT: '网页留言',
  GRAPHQL: '工作台登记',
  OPEN311: '接口导入',
  HOTLINE: '电话',
  IMPORT: '批量导入',
};

export function CaseDetail({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(CASE_QUERY, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const c = data?.node && 'number' in data.node ? (data.node as CaseDetailFragment) : null;
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [id]);

  if (!c && loading) return <p className="muted">正在读取案件…</p>;
  if (!c) {
    return (
      <section>
        <p className="error" role="alert">
          {error ? '未能读取案件，请稍后重试。' : '没有找到这个案件，或它不在您的辖区内。'}
        </p>
        <a href={href({ name: 'todo' })}>返回待办</a>
      </section>
    );
  }
  const left = timeLeft(c.deadline);
  const photos = [...c.attachments, ...c.events.edges.flatMap((e) => e.node.attachments)].filter(
    (a, i, all) => a.mimeType.startsWith('image/') && all.findIndex((b) => b.id === a.id) === i,
  );

  return (
    <article className="detail" aria-labelledby="case-title">
      <p>
        <a href={href({ name: 'todo' })}>‹ 返回待办</a>
      </p>
      <header className="detail-head">
        <p className="card-top">
          <span className="number">{c.number}</span>
          <span className={`tag status-${c.status.toLowerCase()}`}>{STATUS_LABEL[c.status]}</span>
          {c.priority !== 'NORMAL' && <span className={`tag priority-${c.priority.toLowerCase()}`}>{PRIORITY_LABEL[c.priority]}</span>}
          {c.supervisionLevel !== 'NONE' && <span className={`tag level-${c.supervisionLevel.toLowerCase()}`}>{SUPERVISION_LABEL[c.supervisionLevel]}</span>}
          {c.repeatedPetition && <span className="tag repeat">重复信访</span>}
        </p>
        <h1 id="case-title">{c.title}</h1>
        {left && <p className={left.overdue ? 'due overdue' : 'due'}>{left.text}</p>}
      </header>

      <dl className="facts">
        <dt>类别</dt>
        <dd>{KIND_LABEL[c.kind]}</dd>
        <dt>发生地</dt>
        <dd>{c.unit.name}</dd>
        <dt>承办单位</dt>
        <dd>{c.handlingUnit.name}</dd>
        <dt>承办人</dt>
        <dd>{c.assignee?.name ?? '未交办'}</dd>
        <dt>反映人</dt>
        <dd>{c.reporter ? `${c.reporter.displayName}${c.reporter.phone ? ` ${c.reporter.phone}` : ''}` : '—'}</dd>
        <dt>来源</dt>
        <dd>
          {CHANNEL_LABEL[c.channel] ?? c.channel} · {when(c.reportedAt, true)}
        </dd>
        <dt>受理时限</dt>
        <dd>{when(c.acceptDueAt, true)}</dd>
        <dt>办结时限</dt>
        <dd>
          {when(c.dueAt, true)}
          {c.deadlineExtended ? '（已延期）' : ''}
        </dd>
        {c.escalation !== 'NONE' && (
          <>
            <dt>提级</dt>
            <dd>{ESCALATION_LABEL[c.escalation]}</dd>
          </>
        )}
        {c.returnVisit && (
          <>
            <dt>回访</dt>
            <dd>{VISIT_LABEL[c.returnVisit]}</dd>
          </>
        )}
        {c.mergedInto && (
          <>
            <dt>并入</dt>
            <dd>
              <a href={href({ name: 'case', id: c.mergedInto.id })}>{c.mergedInto.number}</a>
            </dd>
          </>
        )}
      </dl>
      <p className="description">{c.description}</p>

      {photos.length > 0 && (
        <section aria-labelledby="photos-title">
          <h2 id="photos-title">照片</h2>
          <ul className="photos">
            {photos.map((p) => (
              <li key={p.id}>
                <Photo url={p.url} name={p.name} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <Actions c={c} onChanged={() => refetch().catch(() => undefined)} />

      {c.similarCases.length > 0 && (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title">相似案件</h2>
          <ul className="plain">
            {c.similarCases.map((s) => (
              <li key={s.id}>
                <a href={href({ name: 'case', id: s.id })}>
                  {s.number} {s.title}
                </a>{' '}
                <span className="muted">{STATUS_LABEL[s.status]}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="trail-title">
        <h2 id="trail-title">办理过程</h2>
        <ol className="trail">
          {[...c.events.edges].reverse().map(({ node: e }) => (
            <li key={e.id}>
              <span className="when">{when(e.createdAt)}</span>
              <span className="what">
                <strong>{EVENT_LABEL[e.type]}</strong>
                {e.toStatus && e.toStatus !== e.fromStatus ? ` → ${STATUS_LABEL[e.toStatus]}` : ''}
                <span className={e.actor.kind === 'SYSTEM' ? 'actor system' : 'actor'}>{e.actor.name}</span>
              </span>
              {e.note && <span className="note">{e.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

/**
 * A photo fetched with the officer's token (photos are never public: no URL opens one without it),
 * shown as a thumbnail that opens full size.
 */
function Photo({ url, name }: { url: string; name: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    let live = true;
    fetch(url, { headers: { authorization: `Bearer ${token()}` } })
      .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(String(res.status)))))
      .then((blob) => {
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  if (failed) return <span className="muted">照片无法读取</span>;
  if (!src) return <span className="thumb loading" aria-label="正在读取照片" />;
  return (
    <>
      <button type="button" className="thumb" onClick={() => setOpen(true)} aria-label={`查看大图：${name}`}>
        <img src={src} alt={name} />
      </button>
      {open && (
        <div className="lightbox" role="dialog" aria-modal="true" aria-label={name} onClick={() => setOpen(false)}>
          <img src={src} alt={name} />
          <button type="button" className="primary" autoFocus onClick={() => setOpen(false)}>
            关闭
          </button>
        </div>
      )}
    </>
  );
}
