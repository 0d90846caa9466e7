import { getNamedType, isInputObjectType, isListType, isNonNullType, type GraphQLField, type GraphQLInputType } from 'graphql';
import { badInput } from '../domain/errors';
import { stripBidi, textProblem } from '../domain/text';

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

function checkText(value: string, rule: TextRule, path: string): string {
  const problem = textProblem(value, rule);
  if (problem) throw badInput(`${path} ${problem}`, { argument: path });
  const text = stripBidi(value);
  // Cheap bound first: a string of n UTF-16 units has at most n characters.
  if (text.length > rule.max && [...text].length > rule.max) {
    throw badInput(`${path} is longer than ${rule.max} characters`, { argument: path, maxLength: rule.max });
  }
  return text;
}

/** The value checked, its strings cleaned of bidirectional controls (the same value when none had any). */
function walk(value: unknown, type: GraphQLInputType, coordinate: string, path: string): unknown {
  if (value == null) return value;
  if (isNonNullType(type)) return walk(value, type.ofType, coordinate, path);
  if (isListType(type)) {
    if (!Array.isArray(value)) return walk(value, type.ofType, coordinate, path);
    value.forEach((item, i) => {
      const cleaned = walk(item, type.ofType, coordinate, `${path}[${i}]`);
      if (cleaned !== item) value[i] = cleaned;
    });
    return value;
  }
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    for (const field of Object.values(named.getFields())) {
      const item = object[field.name];
      const cleaned = walk(item, field.type, `${named.name}.${field.name}`, `${path}.${field.name}`);
      if (cleaned !== item) object[field.name] = cleaned;
    }
    return value;
  }
  return typeof value === 'string' ? checkText(value, TEXT_RULES[coordinate] ?? DEFAULT_RULE, path) : value;
}

/**
 * The one check every string argument passes before any resolver sees it: no control characters (NUL
 * would reach PostgreSQL as an error), no broken Unicode, no more characters than its column holds;
 * bidirectional controls are removed (stored text reads as it is). BAD_USER_INPUT names the argument
 * by its path, e.g. input.reporter.displayName.
 */
export function checkArguments(parentType: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  for (const arg of field.args) {
    const value = args[arg.name];
    const cleaned = walk(value, arg.type, `${parentType}.${field.name}(${arg.name})`, arg.name);
    if (cleaned !== value) args[arg.name] = cleaned;
  }
}
