import { useEffect } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { when } from '../format';
import { href } from '../route';
import { ME_QUERY } from '../App';

/*
 * 消息: the officer's pushes, newest first. Showing them here delivers them (the workbench is a
 * channel of its own, for officers with no WeChat bound): the newest shown is acknowledged, and the
 * unread count falls.
 */

const PUSHES = graphql(`
  query MyPushes($first: Int!, $after: String) {
    myPushes(first: $first, after: $after) {
      edges {
        node {
          id
          number
          topic
          text
          state
          createdAt
          case {
            id
            number
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const ACKNOWLEDGE = graphql(`
  mutation AcknowledgePushes($input: AcknowledgePushesInput!) {
    acknowledgePushes(input: $input) {
      unread
    }
  }
`);

export function Inbox() {
  const { data, loading, error, fetchMore, refetch } = useQuery(PUSHES, { variables: { first: 20 }, fetchPolicy: 'cache-and-network' });
  const [acknowledge] = useMutation(ACKNOWLEDGE, { refetchQueries: [ME_QUERY] });
  const edges = data?.myPushes.edges ?? [];
  const newest = edges[0]?.node;

  useEffect(() => {
    if (newest && newest.state !== 'DELIVERED') acknowledge({ variables: { input: { upTo: newest.number } } }).catch(() => undefined);
  }, [newest?.number, newest?.state]);

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">消息</h1>
      <button type="button" className="link" onClick={() => refetch().catch(() => undefined)} disabled={loading}>
        {loading ? '正在刷新…' : '刷新'}
      </button>
      {error && (
        <p className="error" role="alert">
          未能读取消息，请稍后重试。
        </p>
      )}
      {data && edges.length === 0 && <p className="empty">还没有消息。</p>}
      <ul className="messages">
        {edges.map(({ node: p }) => (
          <li key={p.id} className={p.state === 'DELIVERED' ? '' : 'unread'}>
            <span className="when">
              {when(p.createdAt)}
              {p.state !== 'DELIVERED' && <span className="tag new">未读</span>}
            </span>
            <span className="text">{p.text ?? p.topic}</span>
            {p.case && <a href={href({ name: 'case', id: p.case.id })}>查看案件 {p.case.number}</a>}
          </li>
        ))}
      </ul>
      {data?.myPushes.pageInfo.hasNextPage && (
        <button type="button" className="link" onClick={() => fetchMore({ variables: { after: data.myPushes.pageInfo.endCursor } }).catch(() => undefined)}>
          更早的消息
        </button>
      )}
    </section>
  );
}
