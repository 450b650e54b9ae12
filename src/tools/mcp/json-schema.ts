import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { z } from 'zod';
import { describeValue } from '../../planning/index.js';
import { argumentIssues } from './schema-errors.js';

export type JsonSchema = Record<string, unknown>;

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (ajv: Ajv | Ajv2020) => void;

let draft07: Ajv | undefined;
let draft2020: Ajv2020 | undefined;

// verbose: each error carries its schema, whose allowed values the messages name (schema-errors.ts).
function validatorFor(schema: JsonSchema): Ajv | Ajv2020 {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/2020-12|2019-09/.test(dialect)) {
    draft2020 ??= withFormats(new Ajv2020({ allErrors: true, strict: false, verbose: true }));
    return draft2020;
  }
  draft07 ??= withFormats(new Ajv({ allErrors: true, strict: false, verbose: true }));
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
    for (const issue of argumentIssues(validate.errors ?? [], value)) ctx.addIssue({ code: 'custom', ...issue });
  }) as unknown as z.ZodType<Record<string, unknown>>;
  return compileError === undefined ? { zod } : { zod, compileError };
}
