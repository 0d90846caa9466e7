import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { SetContextLink } from '@apollo/client/link/context';
import { relayStylePagination } from '@apollo/client/utilities';
import { signOut, token } from './session';

/*
 * The workbench's one way to the server: Apollo Client over /graphql with the bearer token. Its
 * normalised cache keeps a case the same object in the list, the detail and the answer of an
 * action; lists page by cursor (Relay connections). A token the server no longer takes (expired,
 * revoked, officer deactivated) ends the session with a message for the login screen.
 */

export const EXPIRED_NOTICE = '登录已失效（超时或已在别处退出），请重新登录。';

export function createClient(): ApolloClient {
  const auth = new SetContextLink((prev) => {
    const t = token();
    return t ? { headers: { ...prev.headers, authorization: `Bearer ${t}` } } : {};
  });
  const expired = new ErrorLink(({ error, operation }) => {
    if (!CombinedGraphQLErrors.is(error)) return;
    if (operation.operationName === 'Login') return;
    if (error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED') && token()) signOut(EXPIRED_NOTICE);
  });
  return new ApolloClient({
    link: ApolloLink.from([expired, auth, new HttpLink({ uri: '/graphql' })]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            cases: relayStylePagination(['filter', 'orderBy']),
            myPushes: relayStylePagination(),
          },
        },
      },
    }),
  });
}
