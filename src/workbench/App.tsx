import { useSyncExternalStore } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { graphql } from './gql';
import type { MeQuery } from './gql/graphql';
import { href, useRoute } from './route';
import { onSessionChange, signOut, token } from './session';
import { Login } from './screens/Login';
import { Todo } from './screens/Todo';
import { CaseDetail } from './screens/CaseDetail';
import { FileCase } from './screens/FileCase';
import { Inbox } from './screens/Inbox';

export const ME_QUERY = graphql(`
  query Me {
    me {
      id
      name
      role
      unit {
        id
        name
        kind
      }
    }
    unreadPushCount
  }
`);

const LOGOUT = graphql(`
  mutation Logout {
    logout
  }
`);

const ROLE_LABEL: Record<string, string> = { GRID_WORKER: '网格员', OFFICER: '干部', SUPERVISOR: '督导', ADMIN: '管理员' };

/** The unread count is asked again every minute: the inbox is how officers without WeChat hear of new work. */
const UNREAD_POLL_MS = 60_000;

export function App() {
  const signedIn = useSyncExternalStore(onSessionChange, () => token() !== null);
  return signedIn ? <Workbench /> : <Login />;
}

function Workbench() {
  const route = useRoute();
  const client = useApolloClient();
  const { data } = useQuery(ME_QUERY, { pollInterval: UNREAD_POLL_MS });
  const [logout, { loading: leaving }] = useMutation(LOGOUT);
  const me = data?.me ?? undefined;
  const unread = data?.unreadPushCount ?? 0;

  const leave = async () => {
    try {
      await logout();
    } catch {
      // Offline: the token is forgotten here all the same.
    }
    signOut();
    await client.clearStore();
  };

  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href={href({ name: 'todo' })}>
          三零 · 办件工作台
        </a>
        {/* Always there, so the page does not move when the officer's name arrives. */}
        <span className="who">{me ? `${me.name} · ${me.unit.name}${ROLE_LABEL[me.role] ? `（${ROLE_LABEL[me.role]}）` : ''}` : '\u00a0'}</span>
        <button type="button" className="link" onClick={leave} disabled={leaving}>
          退出
        </button>
      </header>
      <main className="content" id="main">
        {/* The lists ask for themselves at once, beside the officer's own details: no waiting on one for the other. */}
        {route.name === 'todo' && <Todo me={me} />}
        {route.name === 'case' && <CaseDetail id={route.id} />}
        {route.name === 'new' && (me ? <FileCase me={me} /> : <p className="muted">正在加载…</p>)}
        {route.name === 'inbox' && <Inbox />}
      </main>
      <nav className="tabbar" aria-label="主导航">
        <a href={href({ name: 'todo' })} aria-current={route.name === 'todo' || route.name === 'case' ? 'page' : undefined}>
          待办
        </a>
        <a href={href({ name: 'new' })} aria-current={route.name === 'new' ? 'page' : undefined}>
          登记
        </a>
        <a href={href({ name: 'inbox' })} aria-current={route.name === 'inbox' ? 'page' : undefined}>
          消息
          {unread > 0 && (
            <span className="badge" aria-label={`${unread} 条未读`}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </a>
      </nav>
    </div>
  );
}

/** The officer using the workbench. */
export type Me = NonNullable<MeQuery['me']>;
