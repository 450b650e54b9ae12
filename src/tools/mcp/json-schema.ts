import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { z } from 'zod';
import { describeValue, typeProblem, valueAt } from '../../planning/index.js';

export type JsonSchema = Record<string, unknown>;

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (ajv: Ajv | Ajv2020) => void;

let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;

function validatorFor(schema: JsonSchema): Ajv | Ajv2020 {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/2020-12|2019-09/.test(dialect)) {
    draft2020 ??= withFormats(new Ajv2020({ allErrors: true, strict: false }));
    return draft2020;
  }
  draft07 ??= withFormats(new Ajv({ allErrors: true, strict: false }));
  return draft07;
}

function withFormats<T extends Ajv | Ajv2020>(ajv: T): T {
  addFormats(ajv);
  return ajv;
}

export type CompiledArgsSchema = {
  /** The arguments as zod sees them: every JSON Schema problem becomes an issue with its path. */
  readonly zod: z.ZodType<Record<string, unknown>>;
  /** Set when the server's schema could not be compiled: arguments are then only checked to be an object. */
  readonly compileError?: string;
};

/**
 * A tool's JSON Schema (as an MCP server lists it) checked with ajv and seen
 * through zod, so plan validation, the run-time check and their messages are
 * the same as for built-in tools: `steps[2].args.text: expected string, got number 42`.
 */
export function compileArgsSchema(schema: JsonSchema): CompiledArgsSchema {
  const { $schema: _dialect, ...body } = schema;
  let validate: ValidateFunction | undefined;
  let compileError: string | undefined;
  try {
    validate = validatorFor(schema).compile(body);
  } catch (error) {
    compileError = (error as Error).message;
  }
  const zod = z.unknown().superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', path: [], message: `expected an object of arguments, got ${describeValue(value)}` });
      return;
    }
    if (!validate || validate(value)) return;
    for (const error of relevantErrors(validate.errors ?? [])) ctx.addIssue({ code: 'custom', ...describeError(error, value) });
  }) as unknown as z.ZodType<Record<string, unknown>>;
  return compileError === undefined ? { zod } : { zod, compileError };
}

/** `anyOf`/`oneOf` report each branch's error and then their own: the branches say more, their summary only repeats them. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const kept: ErrorObject[] = [];
  for (const error of errors) {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(error);
  }
  return kept;
}

function describeError(error: ErrorObject, root: unknown): { path: (string | number)[]; message: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
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
      return { path, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(valueAt(root, path))}` };
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
