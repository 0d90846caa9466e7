import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { badInput } from '../domain/errors';
import { textProblem } from '../domain/text';

/** How long a string may be (in characters, as PostgreSQL counts them) and whether it may span lines. */
interface TextRule {
  max: number;
  multiline?: boolean;
}

/** Any string without a rule below: one line of ordinary length (ids, codes, cursors, names). */
const DEFAULT_RULE: TextRule = { max: 200 };
const FREE_TEXT: TextRule = { max: 5000, multiline: true };

/**
 * Limits by schema coordinate (`Type.field` of an input type, `Type.field(arg)` of an argument), from the
 * column each value ends up in; test/integration/graphql-limits.test.ts checks every coordinate exists.
 */
export const TEXT_RULES: Readonly<Record<string, TextRule>> = {
  'ReportCaseInput.title': { max: 200 },
  'ReportCaseInput.description': FREE_TEXT,
  'ReporterInput.displayName': { max: 100 },
  'ReporterInput.phone': { max: 32 },
  'StepAttachmentInput.name': { max: 200 },
  'StepAttachmentInput.mimeType': { max: 100 },
  'CaseFilterInput.search': { max: 100 },
  'UnitFilter.search': { max: 100 },
  'Query.case(number)': { max: 32 },
  'Query.unit(code)': { max: 64 },
  'LoginInput.phone': { max: 32 },
  'AcceptCaseInput.note': FREE_TEXT,
  'StartCaseInput.note': FREE_TEXT,
  'AssignCaseInput.note': FREE_TEXT,
  'SuperviseCaseInput.note': FREE_TEXT,
  'MergeCaseInput.note': FREE_TEXT,
  'RecordReturnVisitInput.note': FREE_TEXT,
  'ResolveCaseInput.note': FREE_TEXT,
  'CloseCaseInput.note': FREE_TEXT,
  'AddCaseNoteInput.note': FREE_TEXT,
  'RejectCaseInput.reason': FREE_TEXT,
  'ReopenCaseInput.reason': FREE_TEXT,
  'EscalateCaseInput.reason': FREE_TEXT,
  'ExtendDeadlineInput.reason': FREE_TEXT,
};

function checkText(value: string, rule: TextRule, path: string): void {
  const problem = textProblem(value, rule);
  if (problem) throw badInput(`${path} ${problem}`, { argument: path });
  // Cheap bound first: a string of n UTF-16 units has at most n characters.
  if (value.length > rule.max && [...value].length > rule.max) {
    throw badInput(`${path} is longer than ${rule.max} characters`, { argument: path, maxLength: rule.max });
  }
}

function walk(value: unknown, type: GraphQLInputType, coordinate: string, path: string): void {
  if (value == null) return;
  if (isNonNullType(type)) return walk(value, type.ofType, coordinate, path);
  if (isListType(type)) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, type.ofType, coordinate, `${path}[${i}]`));
    else walk(value, type.ofType, coordinate, path);
    return;
  }
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (typeof value !== 'object') return;
    for (const field of Object.values(named.getFields())) {
      walk((value as Record<string, unknown>)[field.name], field.type, `${named.name}.${field.name}`, `${path}.${field.name}`);
    }
    return;
  }
  if (typeof value === 'string') checkText(value, TEXT_RULES[coordinate] ?? DEFAULT_RULE, path);
}

/**
 * The one check every string argument passes before any resolver sees it: no control characters (NUL
 * would reach PostgreSQL as an error), no broken Unicode, no more characters than its column holds.
 * BAD_USER_INPUT names the argument by its path, e.g. input.reporter.displayName.
 */
export function checkArguments(parentType: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  for (const arg of field.args) {
    walk(args[arg.name], arg.type, `${parentType}.${field.name}(${arg.name})`, arg.name);
  }
}
