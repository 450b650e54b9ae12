import type { z } from 'zod';

/**
 * Whether a value plainly satisfies a tool's input schema, decided without
 * running zod: validating a 100k-step plan spent most of its time in zod
 * parsing arguments it then threw away. Only the schema parts whose rules are
 * fully known here are judged (objects, strings, numbers, booleans, arrays,
 * optionals, enums and literals with their length and range checks); anything
 * else — formats, refinements, unions, transforms — answers false, and zod
 * decides, with its messages. False is always safe; true must never be wrong,
 * which test/planning/obviously-valid.test.ts checks against zod itself.
 */
export function isObviouslyValid(schema: z.ZodType, value: unknown): boolean {
  let predicate = compiled.get(schema);
  if (!predicate) {
    predicate = compile(schema as unknown as Schema);
    compiled.set(schema, predicate);
  }
  return predicate(value);
}

type Predicate = (value: unknown) => boolean;

/** The parts of zod's (v4 core) schema internals read here. */
type Schema = { readonly _zod: { readonly def: Def; readonly values?: ReadonlySet<unknown> } };
type Def = {
  readonly type: string;
  readonly checks?: readonly Check[];
  readonly format?: string;
  readonly coerce?: boolean;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly catchall?: Schema;
  readonly innerType?: Schema;
  readonly element?: Schema;
};
type Check = {
  readonly _zod: {
    readonly when?: unknown;
    readonly def: { readonly check: string; readonly minimum?: number; readonly maximum?: number; readonly length?: number; readonly value?: number; readonly inclusive?: boolean };
  };
};

const compiled = new WeakMap<z.ZodType, Predicate>();
const NEVER: Predicate = () => false;

function compile(schema: Schema): Predicate {
  const def = schema._zod.def;
  if (def.coerce) return NEVER;
  switch (def.type) {
    case 'object':
      return objectPredicate(def);
    case 'string': {
      if (def.format !== undefined) return NEVER;
      const length = lengthChecks(def.checks);
      return length ? (value) => typeof value === 'string' && length(value.length) : NEVER;
    }
    case 'number':
      return numberPredicate(def);
    case 'boolean':
      return def.checks?.length ? NEVER : (value) => typeof value === 'boolean';
    case 'optional': {
      if (def.checks?.length || !def.innerType) return NEVER;
      const inner = compile(def.innerType);
      return (value) => value === undefined || inner(value);
    }
    case 'array': {
      const length = lengthChecks(def.checks);
      if (!length || !def.element) return NEVER;
      const element = compile(def.element);
      return (value) => Array.isArray(value) && length(value.length) && everyIndex(value, element);
    }
    case 'enum':
    case 'literal': {
      const values = schema._zod.values;
      if (def.checks?.length || !values) return NEVER;
      return (value) => values.has(value);
    }
    default:
      return NEVER;
  }
}

/** `every` skips holes; zod reads them as undefined, so each index is checked. */
function everyIndex(value: readonly unknown[], element: Predicate): boolean {
  for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
  return true;
}

function objectPredicate(def: Def): Predicate {
  if (def.checks?.length || !def.shape) return NEVER;
  const catchall = def.catchall?._zod.def.type;
  // Strict (never) or stripping (none); a catchall schema would need judging too.
  if (catchall !== undefined && catchall !== 'never') return NEVER;
  const strict = catchall === 'never';
  const fields = Object.entries(def.shape).map(([key, field]) => [key, compile(field)] as const);
  const known = new Set(fields.map(([key]) => key));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    if (strict) for (const key in record) if (!known.has(key)) return false;
    for (const [key, field] of fields) if (!field(record[key])) return false;
    return true;
  };
}

function numberPredicate(def: Def): Predicate {
  const format = def.format;
  if (format !== undefined && format !== 'safeint') return NEVER;
  let min = -Infinity;
  let max = Infinity;
  let minInclusive = true;
  let maxInclusive = true;
  for (const check of def.checks ?? []) {
    const { check: kind, value, inclusive } = check._zod.def;
    if (check._zod.when !== undefined || typeof value !== 'number') return NEVER;
    if (kind === 'greater_than') {
      if (value > min || (value === min && !inclusive)) [min, minInclusive] = [value, inclusive === true];
    } else if (kind === 'less_than') {
      if (value < max || (value === max && !inclusive)) [max, maxInclusive] = [value, inclusive === true];
    } else {
      return NEVER;
    }
  }
  return (value) =>
    typeof value === 'number' &&
    (format === 'safeint' ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
    (minInclusive ? value >= min : value > min) &&
    (maxInclusive ? value <= max : value < max);
}

/** Length rules of a string or array as one test, or undefined when a check is not a plain length rule. */
function lengthChecks(checks: readonly Check[] = []): ((length: number) => boolean) | undefined {
  let min = 0;
  let max = Infinity;
  for (const check of checks) {
    const { check: kind, minimum, maximum, length } = check._zod.def;
    if (check._zod.when !== undefined) return undefined;
    if (kind === 'min_length' && typeof minimum === 'number') min = Math.max(min, minimum);
    else if (kind === 'max_length' && typeof maximum === 'number') max = Math.min(max, maximum);
    else if (kind === 'length_equals' && typeof length === 'number') [min, max] = [Math.max(min, length), Math.min(max, length)];
    else return undefined;
  }
  return (length) => length >= min && length <= max;
}
