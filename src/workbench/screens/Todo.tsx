import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CaseFilterInput, CaseKind, CaseStatus } from '../gql/graphql';
import { KIND_LABEL, STATUS_LABEL } from '../../shared/labels';
import type { Me } from '../App';
import { CaseCard } from './CaseCard';

/*
 * 待办: the officer's cases in four tabs with their counts, the overdue first and then the soonest
 * deadline, filtered by kind, status, unit and words; more are read by cursor as the list scrolls,
 * and pulling the list down (or the 刷新 button) reads it again.
 */

const CASE_LIST = graphql(`
  query TodoList($filter: CaseFilterInput!, $first: Int!, $after: String) {
    cases(first: $first, after: $after, filter: $filter, orderBy: { field: DEADLINE, direction: ASC }) {
      totalCount
      edges {
        cursor
        node {
          ...CaseCard
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const TAB_COUNTS = graphql(`
  query TodoCounts($reported: CaseFilterInput!, $working: CaseFilterInput!, $visit: CaseFilterInput!, $overdue: CaseFilterInput!) {
    reported: cases(first: 0, filter: $reported) {
      totalCount
    }
    working: cases(first: 0, filter: $working) {
      totalCount
    }
    visit: cases(first: 0, filter: $visit) {
      totalCount
    }
    overdue: cases(first: 0, filter: $overdue) {
      totalCount
    }
  }
`);

const UNITS = graphql(`
  query TodoUnits($id: ID!) {
    unit(id: $id) {
      id
      name
      children(first: 100) {
        id
        name
      }
    }
  }
`);

type TabKey = 'reported' | 'working' | 'visit' | 'overdue';

const TABS: { key: TabKey; label: string; filter: CaseFilterInput }[] = [
  { key: 'reported', label: '待受理', filter: { status: ['REPORTED'] } },
  { key: 'working', label: '办理中', filter: { status: ['ACCEPTED', 'ASSIGNED', 'IN_PROGRESS'] } },
  { key: 'visit', label: '待回访', filter: { status: ['RESOLVED'] } },
  { key: 'overdue', label: '已超期', filter: { overdue: true } },
];

const PAGE = 20;
/** How far the list must be pulled down to read it again. */
const PULL_PX = 70;

export function Todo({ me }: { me: Me | undefined }) {
  const [tab, setTab] = useState<TabKey>(() => (sessionStorage.getItem('sanling.workbench.tab') as TabKey) || 'reported');
  const [scope, setScope] = useState<'mine' | 'all'>('mine');
  const [kind, setKind] = useState<CaseKind | ''>('');
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [unitId, setUnitId] = useState('');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');

  useEffect(() => {
    sessionStorage.setItem('sanling.workbench.tab', tab);
  }, [tab]);
  // Searching waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 350);
    return () => clearTimeout(timer);
  }, [typed]);

  const base: CaseFilterInput = {
    ...(scope === 'mine' ? { mine: true } : {}),
    ...(kind ? { kind: [kind] } : {}),
    ...(unitId ? { unitId } : {}),
    ...(search ? { search } : {}),
  };
  const tabFilter = TABS.find((t) => t.key === tab)!.filter;
  const filter: CaseFilterInput = { ...base, ...tabFilter, ...(status ? { status: [status] } : {}) };
  const statuses = (tabFilter.status ?? ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'IN_PROGRESS']) as CaseStatus[];

  const list = useQuery(CASE_LIST, { variables: { filter, first: PAGE }, notifyOnNetworkStatusChange: true });
  const counts = useQuery(TAB_COUNTS, {
    variables: {
      reported: { ...base, ...TABS[0].filter },
      working: { ...base, ...TABS[1].filter },
      visit: { ...base, ...TABS[2].filter },
      overdue: { ...base, ...TABS[3].filter },
    },
  });
  const units = useQuery(UNITS, { variables: { id: me?.unit.id ?? '' }, skip: !me });

  // A failed refresh shows in the list (list.error); an ended session is handled by the client's error link.
  const refresh = () => Promise.all([list.refetch(), counts.refetch()]).catch(() => undefined);
  const connection = list.data?.cases;
  const more = () => {
    if (!connection?.pageInfo.hasNextPage || list.loading) return;
    list.fetchMore({ variables: { after: connection.pageInfo.endCursor } }).catch(() => undefined);
  };

  // Endless scroll: the next page is read when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const moreRef = useRef(more);
  moreRef.current = more;
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && moreRef.current(), { rootMargin: '200px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const pull = usePullToRefresh(refresh);

  return (
    <section aria-labelledby="todo-title" {...pull.handlers}>
      <h1 id="todo-title" className="visually-hidden">
        待办
      </h1>
      {pull.distance > 0 && (
        <p className="pull" style={{ height: Math.min(pull.distance, PULL_PX) }} aria-hidden="true">
          {pull.distance >= PULL_PX ? '松开刷新' : '下拉刷新'}
        </p>
      )}
      <div className="scope" role="group" aria-label="范围">
        <button type="button" aria-pressed={scope === 'mine'} onClick={() => setScope('mine')}>
          我的待办
        </button>
        <button type="button" aria-pressed={scope === 'all'} onClick={() => setScope('all')}>
          辖区全部
        </button>
        <button type="button" className="link refresh" onClick={() => void refresh()} disabled={list.loading}>
          {list.loading ? '正在刷新…' : '刷新'}
        </button>
      </div>
      <div className="tabs" role="tablist" aria-label="案件分类">
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            id={`tab-${t.key}`}
            aria-selected={tab === t.key}
            aria-controls="case-list"
            onClick={() => {
              setTab(t.key);
              setStatus('');
            }}
          >
            {t.label}
            <span className="count">{counts.data ? counts.data[t.key].totalCount : '…'}</span>
          </button>
        ))}
      </div>
      <div className="filters">
        <label>
          <span className="visually-hidden">搜索</span>
          <input type="search" placeholder="搜索编号、标题或内容" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <label>
          <span className="visually-hidden">类别</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as CaseKind | '')}>
            <option value="">全部类别</option>
            {Object.entries(KIND_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {tab !== 'reported' && tab !== 'visit' && (
          <label>
            <span className="visually-hidden">状态</span>
            <select value={status} onChange={(e) => setStatus(e.target.value as CaseStatus | '')}>
              <option value="">全部状态</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
        )}
        {(units.data?.unit?.children.length ?? 0) > 0 && (
          <label>
            <span className="visually-hidden">地区或单位</span>
            <select value={unitId} onChange={(e) => setUnitId(e.target.value)}>
              <option value="">{units.data!.unit!.name}（全部）</option>
              {units.data!.unit!.children.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div id="case-list" role="tabpanel" aria-labelledby={`tab-${tab}`} aria-busy={list.loading}>
        {list.error && (
          <p className="error" role="alert">
            未能读取案件，请下拉或点“刷新”重试。
          </p>
        )}
        {connection && connection.edges.length === 0 && <p className="empty">这里没有案件。</p>}
        <ul className="cards">
          {connection?.edges.map((e) => (
            <li key={e.cursor}>
              <CaseCard data={e.node} />
            </li>
          ))}
        </ul>
        <div ref={sentinel} className="sentinel">
          {connection?.pageInfo.hasNextPage && (
            <button type="button" className="link" onClick={more} disabled={list.loading}>
              {list.loading ? '正在读取…' : `还有更多（共 ${connection.totalCount} 件）`}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

/** Pull-to-refresh on touch screens: pulling down from the top of the page past PULL_PX reads the list again. */
function usePullToRefresh(refresh: () => Promise<unknown>) {
  const start = useRef<number | null>(null);
  const [distance, setDistance] = useState(0);
  return {
    distance,
    handlers: {
      onTouchStart: (e: React.TouchEvent) => {
        start.current = window.scrollY <= 0 ? e.touches[0].clientY : null;
      },
      onTouchMove: (e: React.TouchEvent) => {
        if (start.current !== null) setDistance(Math.max(0, e.touches[0].clientY - start.current));
      },
      onTouchEnd: () => {
        if (distance >= PULL_PX) void refresh();
        start.current = null;
        setDistance(0);
      },
    },
  };
}
