/*
 * A Relay client's documents, written the way Relay wants them: each component declares its own
 * fragment and spreads its children's, so the operations relay-compiler generates are fragments
 * all the way down (with @connection, @refetchable and @arguments). test/integration/relay.test.ts
 * compiles them with relay-compiler against schema/schema.graphql and runs the generated
 * operations against the server.
 */

/** relay-compiler finds documents by this tag; at run time the text itself is not used. */
const graphql = (strings: TemplateStringsArray): string => strings.join('');

export const documents = [
  graphql`
    query documentsCaseListQuery($first: Int!, $after: String) {
      ...documentsCaseList_query @arguments(first: $first, after: $after)
    }
  `,
  graphql`
    fragment documentsCaseList_query on Query
    @argumentDefinitions(first: { type: "Int!" }, after: { type: "String" })
    @refetchable(queryName: "documentsCaseListPaginationQuery") {
      cases(first: $first, after: $after) @connection(key: "documentsCaseList_cases") {
        totalCount
        edges {
          node {
            ...documentsCaseRow_case
          }
        }
      }
    }
  `,
  graphql`
    fragment documentsCaseRow_case on Case {
      id
      number
      title
      status
      availableActions
      ...documentsCasePlace_case
      assignee {
        ...documentsOfficer_officer
      }
    }
  `,
  graphql`
    fragment documentsCasePlace_case on Case {
      unit {
        id
        name
        parent {
          id
          ...documentsUnitName_unit
        }
      }
    }
  `,
  graphql`
    fragment documentsUnitName_unit on Unit {
      name
      kind
    }
  `,
  graphql`
    fragment documentsOfficer_officer on Officer {
      id
      name
      unit {
        ...documentsUnitName_unit
      }
    }
  `,
  graphql`
    query documentsCaseEventsQuery($id: ID!) {
      node(id: $id) {
        ...documentsCaseEvents_case @alias
      }
    }
  `,
  graphql`
    fragment documentsCaseEvents_case on Case
    @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" })
    @refetchable(queryName: "documentsCaseEventsPaginationQuery") {
      number
      events(first: $count, after: $cursor) @connection(key: "documentsCaseEvents_events") {
        edges {
          node {
            id
            type
            actor {
              name
              officer {
                ...documentsOfficer_officer
              }
            }
          }
        }
      }
    }
  `,
];
