/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      role\n      unit {\n        id\n        name\n        kind\n      }\n    }\n    unreadPushCount\n  }\n": typeof types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation AcceptCase($input: AcceptCaseInput!) {\n    acceptCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.AcceptCaseDocument,
    "\n  mutation RejectCase($input: RejectCaseInput!) {\n    rejectCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.RejectCaseDocument,
    "\n  mutation AssignCase($input: AssignCaseInput!) {\n    assignCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.AssignCaseDocument,
    "\n  mutation StartCase($input: StartCaseInput!) {\n    startCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.StartCaseDocument,
    "\n  mutation ResolveCase($input: ResolveCaseInput!) {\n    resolveCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.ResolveCaseDocument,
    "\n  mutation CloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.CloseCaseDocument,
    "\n  mutation ReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.ReopenCaseDocument,
    "\n  mutation EscalateCase($input: EscalateCaseInput!) {\n    escalateCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.EscalateCaseDocument,
    "\n  mutation SuperviseCase($input: SuperviseCaseInput!) {\n    superviseCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.SuperviseCaseDocument,
    "\n  mutation ExtendDeadline($input: ExtendDeadlineInput!) {\n    extendDeadline(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.ExtendDeadlineDocument,
    "\n  mutation MergeCase($input: MergeCaseInput!) {\n    mergeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.MergeCaseDocument,
    "\n  mutation AddCaseNote($input: AddCaseNoteInput!) {\n    addCaseNote(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.AddCaseNoteDocument,
    "\n  mutation RecordReturnVisit($input: RecordReturnVisitInput!) {\n    recordReturnVisit(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.RecordReturnVisitDocument,
    "\n  query CaseByNumber($number: String!) {\n    case(number: $number) {\n      id\n      number\n      title\n    }\n  }\n": typeof types.CaseByNumberDocument,
    "\n  query Assignable($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AssignableDocument,
    "\n  query UnitOfficers($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      officers(first: 50) {\n        id\n        name\n        role\n      }\n    }\n  }\n": typeof types.UnitOfficersDocument,
    "\n  fragment CaseCard on Case {\n    id\n    number\n    title\n    kind\n    priority\n    status\n    supervisionLevel\n    deadline\n    overdue\n    repeatedPetition\n    unit {\n      id\n      name\n    }\n    assignee {\n      id\n      name\n    }\n  }\n": typeof types.CaseCardFragmentDoc,
    "\n  fragment CaseDetail on Case {\n    ...CaseCard\n    version\n    description\n    channel\n    reportedAt\n    acceptDueAt\n    dueAt\n    resolvedAt\n    closedAt\n    deadlineExtended\n    escalation\n    returnVisit\n    availableActions\n    handlingUnit {\n      id\n      name\n    }\n    reporter {\n      displayName\n      phone\n    }\n    mergedInto {\n      id\n      number\n    }\n    attachments {\n      id\n      name\n      mimeType\n      url\n    }\n    similarCases {\n      id\n      number\n      title\n      status\n    }\n    events(last: 50) {\n      edges {\n        node {\n          id\n          type\n          createdAt\n          note\n          fromStatus\n          toStatus\n          actor {\n            kind\n            name\n          }\n          attachments {\n            id\n            name\n            mimeType\n            url\n          }\n        }\n      }\n    }\n  }\n": typeof types.CaseDetailFragmentDoc,
    "\n  query CaseDetailScreen($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        ...CaseDetail\n      }\n    }\n  }\n": typeof types.CaseDetailScreenDocument,
    "\n  mutation ReportCase($input: ReportCaseInput!) {\n    reportCase(input: $input) {\n      case {\n        id\n        number\n      }\n    }\n  }\n": typeof types.ReportCaseDocument,
    "\n  query FilePlaces($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": typeof types.FilePlacesDocument,
    "\n  query MyPushes($first: Int!, $after: String) {\n    myPushes(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          number\n          topic\n          text\n          state\n          createdAt\n          case {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.MyPushesDocument,
    "\n  mutation AcknowledgePushes($input: AcknowledgePushesInput!) {\n    acknowledgePushes(input: $input) {\n      unread\n    }\n  }\n": typeof types.AcknowledgePushesDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query TodoList($filter: CaseFilterInput!, $first: Int!, $after: String) {\n    cases(first: $first, after: $after, filter: $filter, orderBy: { field: DEADLINE, direction: ASC }) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...CaseCard\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TodoListDocument,
    "\n  query TodoCounts($reported: CaseFilterInput!, $working: CaseFilterInput!, $visit: CaseFilterInput!, $overdue: CaseFilterInput!) {\n    reported: cases(first: 0, filter: $reported) {\n      totalCount\n    }\n    working: cases(first: 0, filter: $working) {\n      totalCount\n    }\n    visit: cases(first: 0, filter: $visit) {\n      totalCount\n    }\n    overdue: cases(first: 0, filter: $overdue) {\n      totalCount\n    }\n  }\n": typeof types.TodoCountsDocument,
    "\n  query TodoUnits($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": typeof types.TodoUnitsDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      role\n      unit {\n        id\n        name\n        kind\n      }\n    }\n    unreadPushCount\n  }\n": types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation AcceptCase($input: AcceptCaseInput!) {\n    acceptCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.AcceptCaseDocument,
    "\n  mutation RejectCase($input: RejectCaseInput!) {\n    rejectCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.RejectCaseDocument,
    "\n  mutation AssignCase($input: AssignCaseInput!) {\n    assignCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.AssignCaseDocument,
    "\n  mutation StartCase($input: StartCaseInput!) {\n    startCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.StartCaseDocument,
    "\n  mutation ResolveCase($input: ResolveCaseInput!) {\n    resolveCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.ResolveCaseDocument,
    "\n  mutation CloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.CloseCaseDocument,
    "\n  mutation ReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.ReopenCaseDocument,
    "\n  mutation EscalateCase($input: EscalateCaseInput!) {\n    escalateCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.EscalateCaseDocument,
    "\n  mutation SuperviseCase($input: SuperviseCaseInput!) {\n    superviseCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.SuperviseCaseDocument,
    "\n  mutation ExtendDeadline($input: ExtendDeadlineInput!) {\n    extendDeadline(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.ExtendDeadlineDocument,
    "\n  mutation MergeCase($input: MergeCaseInput!) {\n    mergeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.MergeCaseDocument,
    "\n  mutation AddCaseNote($input: AddCaseNoteInput!) {\n    addCaseNote(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.AddCaseNoteDocument,
    "\n  mutation RecordReturnVisit($input: RecordReturnVisitInput!) {\n    recordReturnVisit(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.RecordReturnVisitDocument,
    "\n  query CaseByNumber($number: String!) {\n    case(number: $number) {\n      id\n      number\n      title\n    }\n  }\n": types.CaseByNumberDocument,
    "\n  query Assignable($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": types.AssignableDocument,
    "\n  query UnitOfficers($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      officers(first: 50) {\n        id\n        name\n        role\n      }\n    }\n  }\n": types.UnitOfficersDocument,
    "\n  fragment CaseCard on Case {\n    id\n    number\n    title\n    kind\n    priority\n    status\n    supervisionLevel\n    deadline\n    overdue\n    repeatedPetition\n    unit {\n      id\n      name\n    }\n    assignee {\n      id\n      name\n    }\n  }\n": types.CaseCardFragmentDoc,
    "\n  fragment CaseDetail on Case {\n    ...CaseCard\n    version\n    description\n    channel\n    reportedAt\n    acceptDueAt\n    dueAt\n    resolvedAt\n    closedAt\n    deadlineExtended\n    escalation\n    returnVisit\n    availableActions\n    handlingUnit {\n      id\n      name\n    }\n    reporter {\n      displayName\n      phone\n    }\n    mergedInto {\n      id\n      number\n    }\n    attachments {\n      id\n      name\n      mimeType\n      url\n    }\n    similarCases {\n      id\n      number\n      title\n      status\n    }\n    events(last: 50) {\n      edges {\n        node {\n          id\n          type\n          createdAt\n          note\n          fromStatus\n          toStatus\n          actor {\n            kind\n            name\n          }\n          attachments {\n            id\n            name\n            mimeType\n            url\n          }\n        }\n      }\n    }\n  }\n": types.CaseDetailFragmentDoc,
    "\n  query CaseDetailScreen($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        ...CaseDetail\n      }\n    }\n  }\n": types.CaseDetailScreenDocument,
    "\n  mutation ReportCase($input: ReportCaseInput!) {\n    reportCase(input: $input) {\n      case {\n        id\n        number\n      }\n    }\n  }\n": types.ReportCaseDocument,
    "\n  query FilePlaces($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": types.FilePlacesDocument,
    "\n  query MyPushes($first: Int!, $after: String) {\n    myPushes(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          number\n          topic\n          text\n          state\n          createdAt\n          case {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.MyPushesDocument,
    "\n  mutation AcknowledgePushes($input: AcknowledgePushesInput!) {\n    acknowledgePushes(input: $input) {\n      unread\n    }\n  }\n": types.AcknowledgePushesDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n    }\n  }\n": types.LoginDocument,
    "\n  query TodoList($filter: CaseFilterInput!, $first: Int!, $after: String) {\n    cases(first: $first, after: $after, filter: $filter, orderBy: { field: DEADLINE, direction: ASC }) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...CaseCard\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TodoListDocument,
    "\n  query TodoCounts($reported: CaseFilterInput!, $working: CaseFilterInput!, $visit: CaseFilterInput!, $overdue: CaseFilterInput!) {\n    reported: cases(first: 0, filter: $reported) {\n      totalCount\n    }\n    working: cases(first: 0, filter: $working) {\n      totalCount\n    }\n    visit: cases(first: 0, filter: $visit) {\n      totalCount\n    }\n    overdue: cases(first: 0, filter: $overdue) {\n      totalCount\n    }\n  }\n": types.TodoCountsDocument,
    "\n  query TodoUnits($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n": types.TodoUnitsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      role\n      unit {\n        id\n        name\n        kind\n      }\n    }\n    unreadPushCount\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      role\n      unit {\n        id\n        name\n        kind\n      }\n    }\n    unreadPushCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptCase($input: AcceptCaseInput!) {\n    acceptCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptCase($input: AcceptCaseInput!) {\n    acceptCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectCase($input: RejectCaseInput!) {\n    rejectCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RejectCase($input: RejectCaseInput!) {\n    rejectCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignCase($input: AssignCaseInput!) {\n    assignCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AssignCase($input: AssignCaseInput!) {\n    assignCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartCase($input: StartCaseInput!) {\n    startCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartCase($input: StartCaseInput!) {\n    startCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveCase($input: ResolveCaseInput!) {\n    resolveCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveCase($input: ResolveCaseInput!) {\n    resolveCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EscalateCase($input: EscalateCaseInput!) {\n    escalateCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EscalateCase($input: EscalateCaseInput!) {\n    escalateCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuperviseCase($input: SuperviseCaseInput!) {\n    superviseCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SuperviseCase($input: SuperviseCaseInput!) {\n    superviseCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExtendDeadline($input: ExtendDeadlineInput!) {\n    extendDeadline(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ExtendDeadline($input: ExtendDeadlineInput!) {\n    extendDeadline(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MergeCase($input: MergeCaseInput!) {\n    mergeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MergeCase($input: MergeCaseInput!) {\n    mergeCase(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddCaseNote($input: AddCaseNoteInput!) {\n    addCaseNote(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddCaseNote($input: AddCaseNoteInput!) {\n    addCaseNote(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordReturnVisit($input: RecordReturnVisitInput!) {\n    recordReturnVisit(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RecordReturnVisit($input: RecordReturnVisitInput!) {\n    recordReturnVisit(input: $input) {\n      case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseByNumber($number: String!) {\n    case(number: $number) {\n      id\n      number\n      title\n    }\n  }\n"): (typeof documents)["\n  query CaseByNumber($number: String!) {\n    case(number: $number) {\n      id\n      number\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Assignable($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Assignable($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitOfficers($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      officers(first: 50) {\n        id\n        name\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  query UnitOfficers($unitId: ID!) {\n    unit(id: $unitId) {\n      id\n      officers(first: 50) {\n        id\n        name\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CaseCard on Case {\n    id\n    number\n    title\n    kind\n    priority\n    status\n    supervisionLevel\n    deadline\n    overdue\n    repeatedPetition\n    unit {\n      id\n      name\n    }\n    assignee {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment CaseCard on Case {\n    id\n    number\n    title\n    kind\n    priority\n    status\n    supervisionLevel\n    deadline\n    overdue\n    repeatedPetition\n    unit {\n      id\n      name\n    }\n    assignee {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CaseDetail on Case {\n    ...CaseCard\n    version\n    description\n    channel\n    reportedAt\n    acceptDueAt\n    dueAt\n    resolvedAt\n    closedAt\n    deadlineExtended\n    escalation\n    returnVisit\n    availableActions\n    handlingUnit {\n      id\n      name\n    }\n    reporter {\n      displayName\n      phone\n    }\n    mergedInto {\n      id\n      number\n    }\n    attachments {\n      id\n      name\n      mimeType\n      url\n    }\n    similarCases {\n      id\n      number\n      title\n      status\n    }\n    events(last: 50) {\n      edges {\n        node {\n          id\n          type\n          createdAt\n          note\n          fromStatus\n          toStatus\n          actor {\n            kind\n            name\n          }\n          attachments {\n            id\n            name\n            mimeType\n            url\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CaseDetail on Case {\n    ...CaseCard\n    version\n    description\n    channel\n    reportedAt\n    acceptDueAt\n    dueAt\n    resolvedAt\n    closedAt\n    deadlineExtended\n    escalation\n    returnVisit\n    availableActions\n    handlingUnit {\n      id\n      name\n    }\n    reporter {\n      displayName\n      phone\n    }\n    mergedInto {\n      id\n      number\n    }\n    attachments {\n      id\n      name\n      mimeType\n      url\n    }\n    similarCases {\n      id\n      number\n      title\n      status\n    }\n    events(last: 50) {\n      edges {\n        node {\n          id\n          type\n          createdAt\n          note\n          fromStatus\n          toStatus\n          actor {\n            kind\n            name\n          }\n          attachments {\n            id\n            name\n            mimeType\n            url\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseDetailScreen($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        ...CaseDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  query CaseDetailScreen($id: ID!) {\n    node(id: $id) {\n      ... on Case {\n        ...CaseDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportCase($input: ReportCaseInput!) {\n    reportCase(input: $input) {\n      case {\n        id\n        number\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReportCase($input: ReportCaseInput!) {\n    reportCase(input: $input) {\n      case {\n        id\n        number\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FilePlaces($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query FilePlaces($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyPushes($first: Int!, $after: String) {\n    myPushes(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          number\n          topic\n          text\n          state\n          createdAt\n          case {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyPushes($first: Int!, $after: String) {\n    myPushes(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          number\n          topic\n          text\n          state\n          createdAt\n          case {\n            id\n            number\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgePushes($input: AcknowledgePushesInput!) {\n    acknowledgePushes(input: $input) {\n      unread\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgePushes($input: AcknowledgePushesInput!) {\n    acknowledgePushes(input: $input) {\n      unread\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      token\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TodoList($filter: CaseFilterInput!, $first: Int!, $after: String) {\n    cases(first: $first, after: $after, filter: $filter, orderBy: { field: DEADLINE, direction: ASC }) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...CaseCard\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query TodoList($filter: CaseFilterInput!, $first: Int!, $after: String) {\n    cases(first: $first, after: $after, filter: $filter, orderBy: { field: DEADLINE, direction: ASC }) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...CaseCard\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TodoCounts($reported: CaseFilterInput!, $working: CaseFilterInput!, $visit: CaseFilterInput!, $overdue: CaseFilterInput!) {\n    reported: cases(first: 0, filter: $reported) {\n      totalCount\n    }\n    working: cases(first: 0, filter: $working) {\n      totalCount\n    }\n    visit: cases(first: 0, filter: $visit) {\n      totalCount\n    }\n    overdue: cases(first: 0, filter: $overdue) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query TodoCounts($reported: CaseFilterInput!, $working: CaseFilterInput!, $visit: CaseFilterInput!, $overdue: CaseFilterInput!) {\n    reported: cases(first: 0, filter: $reported) {\n      totalCount\n    }\n    working: cases(first: 0, filter: $working) {\n      totalCount\n    }\n    visit: cases(first: 0, filter: $visit) {\n      totalCount\n    }\n    overdue: cases(first: 0, filter: $overdue) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TodoUnits($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query TodoUnits($id: ID!) {\n    unit(id: $id) {\n      id\n      name\n      children(first: 100) {\n        id\n        name\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;