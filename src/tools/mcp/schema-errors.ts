import type { ErrorObject } from 'ajv';
import { describeValue, typeProblem, valueAt } from '../../planning/index.js';

export type ArgumentIssue = { readonly path: (string | number)[]; readonly message: string };

/**
 * ajv's errors (compiled with `verbose`, so each carries its schema) as one issue per bad argument, in
 * the words of built-in tools' argument checks. ajv reports a `oneOf`/`anyOf` as each branch's error and
 * then its own ("must be equal to constant" per branch, "must match exactly one schema in oneOf"): a
 * choice among values and types is said once, with what it allows.
 */
export function argumentIssues(errors: readonly ErrorObject[], root: unknown): ArgumentIssue[] {
  const choices = errors.filter(isPlainChoice);
  const insideChoice = (error: ErrorObject) => choices.some((choice) => error.schemaPath.startsWith(`${choice.schemaPath}/`));
  // A value outside an enum or const is said once, not also as the type its schema names.
  const valueChecked = new Set(errors.filter((error) => error.keyword === 'enum' || error.keyword === 'const').map(schemaOwner));
  const seen = new Set<string>();
  const issues: ArgumentIssue[] = [];
  for (const error of errors) {
    if (insideChoice(error) || (error.keyword === 'type' && valueChecked.has(schemaOwner(error)))) continue;
    const issue = describeError(error, root);
    const key = JSON.stringify([issue.path, issue.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/** The value and the schema object an error is about: `/mode` at `#/properties/mode`. */
function schemaOwner(error: ErrorObject): string {
  return `${error.instancePath}|${error.schemaPath.slice(0, error.schemaPath.lastIndexOf('/'))}`;
}

/** Keywords a branch may have and still be only a value or a type. */
const PLAIN_KEYWORDS = new Set(['const', 'enum', 'type', 'title', 'description', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

/** A `oneOf`/`anyOf` that no branch matched, whose branches each allow only values (const, enum) or a type. */
function isPlainChoice(error: ErrorObject): boolean {
  if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') return false;
  // A oneOf that matched several branches is another problem, which ajv's words say.
  if (error.keyword === 'oneOf' && (error.params as { passingSchemas?: unknown }).passingSchemas != null) return false;
  return Array.isArray(error.schema) && error.schema.length > 0 && error.schema.every((branch) => alternativesOf(branch) !== undefined);
}

/** What a plain branch allows: its values as JSON (`"fast"`), else its types (`integer`); undefined for any other branch. */
function alternativesOf(branch: unknown): string[] | undefined {
  if (typeof branch !== 'object' || branch === null || Array.isArray(branch)) return undefined;
  const schema = branch as Record<string, unknown>;
  if (!Object.keys(schema).every((keyword) => PLAIN_KEYWORDS.has(keyword))) return undefined;
  if ('const' in schema) return [JSON.stringify(schema.const)];
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value));
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type) && schema.type.length > 0) return schema.type.map(String);
  return undefined;
}

/** `one of "fast", "safe"` when only values are allowed, else `integer or "auto"`. */
function allowedText(branches: readonly unknown[]): string {
  const types = new Set(branches.filter((branch) => !('const' in (branch as object)) && !('enum' in (branch as object))).flatMap((branch) => alternativesOf(branch)!));
  const allowed = [...new Set(branches.flatMap((branch) => alternativesOf(branch)!))];
  if (allowed.length === 1) return allowed[0]!;
  if (types.size === 0) return `one of ${allowed.join(', ')}`;
  return `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
}

function describeError(error: ErrorObject, root: unknown): ArgumentIssue {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const got = () => describeValue(valueAt(root, path));
  switch (error.keyword) {
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'required argument missing' };
    case 'additionalProperties':
      return { path: [...path, String(params.additionalProperty)], message: 'unknown argument' };
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.join(' or ') : String(params.type);
      return { path, message: typeProblem(expected, valueAt(root, path)) };
    }
    case 'enum':
      return { path, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got()}` };
    case 'const':
      return { path, message: `expected ${JSON.stringify(params.allowedValue)}, got ${got()}` };
    case 'oneOf':
    case 'anyOf':
      if (isPlainChoice(error)) return { path, message: `expected ${allowedText(error.schema as unknown[])}, got ${got()}` };
      return { path, message: error.message ?? `fails "${error.keyword}"` };
    default:
      return { path, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/** `/items/0/name` → ['items', 0, 'name'] (JSON Pointer, RFC 6901). */
function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}
