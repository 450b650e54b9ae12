import { InvalidToolInputError, JSONParseError, NoSuchToolError, TypeValidationError, type ModelMessage, type StepResult, type ToolSet } from 'ai';
import { formatPath, typeProblem, valueAt } from '../planning/index.js';

/** How many of a call's problems are named; the rest are counted. */
const SHOWN_PROBLEMS = 3;

/**
 * A function call the model got wrong (arguments its schema refuses, arguments that are not JSON,
 * a function that does not exist), said in one line with the first problems in plain words:
 * `the model called propose_plan with invalid arguments: goal: is required (string)`.
 * Undefined for any other error: those are the function's own failures, already in words.
 */
export function invalidCallText(tool: string, error: unknown): string | undefined {
  if (NoSuchToolError.isInstance(error)) {
    const known = error.availableTools?.length ? ` (its functions: ${error.availableTools.join(', ')})` : '';
    return `the model called ${tool}, which is not one of its functions${known}`;
  }
  if (!InvalidToolInputError.isInstance(error)) return undefined;
  const cause = error.cause;
  if (JSONParseError.isInstance(cause)) return `the model called ${tool} with arguments that are not valid JSON`;
  const problems = TypeValidationError.isInstance(cause) ? schemaProblems(cause.cause, cause.value) : [];
  if (problems.length === 0) return `the model called ${tool} with invalid arguments`;
  const more = problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : '';
  return `the model called ${tool} with invalid arguments: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}`;
}

/**
 * For the step after an invalid call: the SDK tells the model the error's full dump (error class
 * names, the value echoed back, the schema library's issue JSON). The model is told the same plain
 * line the user sees instead, and to call again — which is what it needs to repair the call.
 * Undefined when there is nothing to change.
 */
export function invalidCallResultsForModel(steps: readonly StepResult<ToolSet>[], messages: readonly ModelMessage[]): ModelMessage[] | undefined {
  const texts = new Map<string, string>();
  for (const step of steps) {
    for (const call of step.toolCalls) {
      const text = call.invalid ? invalidCallText(call.toolName, call.error) : undefined;
      // A function that does not exist is not called again: one of those named is, or none.
      const next = NoSuchToolError.isInstance(call.error) ? 'Use one of those functions instead, or answer in words.' : `Call ${call.toolName} again with arguments that match its parameters.`;
      if (text) texts.set(call.toolCallId, `${text}. ${next}`);
    }
  }
  if (texts.size === 0) return undefined;
  return messages.map((message) => {
    if (message.role !== 'tool') return message;
    const content = message.content.map((part) => {
      const text = part.type === 'tool-result' && part.output.type === 'error-text' ? texts.get(part.toolCallId) : undefined;
      return text === undefined || part.type !== 'tool-result' ? part : { ...part, output: { type: 'error-text' as const, value: text } };
    });
    return { ...message, content };
  });
}

type Issue = { readonly code?: string; readonly path?: readonly PropertyKey[]; readonly message?: string; readonly expected?: string };

/** Schema issues (zod's, or any Standard Schema's `{ path, message }`) as `path: problem`. */
function schemaProblems(cause: unknown, value: unknown): string[] {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return (issues as Issue[]).map((issue) => {
    const path = (issue.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key));
    const where = path.length ? formatPath(path) : 'arguments';
    if (issue.code === 'invalid_type' && issue.expected) return `${where}: ${typeProblem(issue.expected, valueAt(value, path))}`;
    return `${where}: ${(issue.message ?? 'invalid').replace(/^Invalid input: /, '')}`;
  });
}
