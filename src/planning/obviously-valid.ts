import type { z } from 'zod';
import { isPlainObject } from './values.js';

/**
 * Whether a value plainly satisfies a tool's input schema, decided without
 * running zod on the whole value: validating a 100k-step plan spent most of
 * its time in zod parsing arguments it then threw away. Only the schema parts
 * whose rules are fully known here are judged (objects, records, strings,
 * numbers, booleans, arrays, optionals, enums, literals, unknown and plain
 * unions, with their length and range checks); a string with a format (a URL)
 * is judged by zod's own check of that one string, remembered per distinct
 * string in `memo`, and a strict object's refinements by running them. Anything
 * else — field refinements, transforms, exclusive unions — answers false, and
 * zod decides, with its messages. False is always safe;
 * true must never be wrong, which test/planning/obviously-valid.test.ts checks
 * against zod itself.
 */
export function isObviouslyValid(schema: z.ZodType, value: unknown, memo: FormatMemo = new Map()): boolean {
  let predicate = compiled.get(schema);
  if (!predicate) {
    predicate = compile(schema as unknown as Schema);
    compiled.set(schema, predicate);
  }
  return predicate(value, memo);
}

/** zod's verdicts on format strings (per string schema, per string), kept for one validation. */
export type FormatMemo = Map<object, Map<string, boolean>>;

type Predicate = (value: unknown, memo: FormatMemo) => boolean;

/** The parts of zod's (v4 core) schema internals read here. */
type Schema = { readonly _zod: { readonly def: Def; readonly values?: ReadonlySet<unknown>; readonly optin?: string } };
type Def = {
  readonly type: string;
  readonly inclusive?: boolean;
  readonly discriminator?: string;
  readonly options?: readonly Schema[];
  readonly keyType?: Schema;
  readonly valueType?: Schema;
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
    readonly check?: (payload: { value: unknown; issues: unknown[] }) => unknown;
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
      return objectPredicate(schema);
    case 'string': {
      const length = def.format === undefined ? lengthChecks(def.checks) : undefined;
      return length ? (value) => typeof value === 'string' && length(value.length) : formatPredicate(schema);
    }
    case 'unknown':
    case 'any':
      return def.checks?.length ? NEVER : () => true;
    case 'union':
      return unionPredicate(def);
    case 'record':
      return recordPredicate(def);
    case 'number':
      return numberPredicate(def);
    case 'boolean':
      return def.checks?.length ? NEVER : (value) => typeof value === 'boolean';
    case 'optional': {
      if (def.checks?.length || !def.innerType) return NEVER;
      const inner = compile(def.innerType);
      return (value, memo) => value === undefined || inner(value, memo);
    }
    case 'array': {
      const length = lengthChecks(def.checks);
      if (!length || !def.element) return NEVER;
      const element = compile(def.element);
      return (value, memo) => Array.isArray(value) && length(value.length) && everyIndex(value, element, memo);
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
function everyIndex(value: readonly unknown[], element: Predicate, memo: FormatMemo): boolean {
  for (let i = 0; i < value.length; i++) if (!element(value[i], memo)) return false;
  return true;
}

function objectPredicate(schema: Schema): Predicate {
  const def = schema._zod.def;
  if (!def.shape) return NEVER;
  const catchall = def.catchall?._zod.def.type;
  // Strict (never) or stripping (none); a catchall schema would need judging too.
  if (catchall !== undefined && catchall !== 'never') return NEVER;
  const strict = catchall === 'never';
  const refinements = def.checks ?? [];
  // zod gives an object's refinements the object it made; that is the value as written only when
  // nothing in it is stripped (the http tool's "no body with GET" is one such refinement).
  if (refinements.length > 0 && (!strict || mayStrip(schema) || refinements.some((check) => check._zod.when !== undefined || check._zod.def.check !== 'custom' || !check._zod.check))) return NEVER;
  const keys = Object.keys(def.shape);
  const predicates = Object.values(def.shape).map(compile);
  // zod refuses an absent key unless its schema is optional-in, even one whose schema takes undefined (z.unknown()).
  const required = Object.values(def.shape).map((field) => field._zod.optin === undefined);
  const known = new Set(keys);
  return (value, memo) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    if (strict) for (const key in record) if (!known.has(key)) return false;
    for (let k = 0; k < keys.length; k++) {
      const field = record[keys[k]!];
      if (field === undefined && required[k] && !(keys[k]! in record)) return false;
      if (!predicates[k]!(field, memo)) return false;
    }
    return refinements.length === 0 || passesRefinements(refinements, record);
  };
}

/** The refinements' own verdict, as zod runs them; one that throws or is async is left to zod. */
function passesRefinements(refinements: readonly Check[], value: Record<string, unknown>): boolean {
  for (const check of refinements) {
    const payload = { value, issues: [] as unknown[] };
    try {
      const result = check._zod.check!(payload);
      if (result instanceof Promise) {
        result.catch(() => {});
        return false;
      }
    } catch {
      return false;
    }
    if (payload.issues.length > 0) return false;
  }
  return true;
}

/** Whether zod's output of a value this module accepts may lack some of it: a non-strict object somewhere inside. */
function mayStrip(schema: Schema): boolean {
  const def = schema._zod.def;
  if (def.type === 'object' && def.catchall?._zod.def.type !== 'never') return true;
  const inner = [...Object.values(def.shape ?? {}), ...(def.options ?? []), def.innerType, def.element, def.valueType];
  return inner.some((child) => child !== undefined && mayStrip(child));
}

/** An inclusive union holds when one of its options does (an exclusive or discriminated one is left to zod). */
function unionPredicate(def: Def): Predicate {
  if (def.checks?.length || def.inclusive === false || def.discriminator !== undefined || !def.options?.length) return NEVER;
  const options = def.options.map(compile);
  return (value, memo) => {
    for (let k = 0; k < options.length; k++) if (options[k]!(value, memo)) return true;
    return false;
  };
}

/**
 * A record with plain string keys: a data object without symbol keys whose
 * every value passes. Inherited enumerable keys are checked too (zod skips
 * them): stricter, so never wrong.
 */
function recordPredicate(def: Def): Predicate {
  const keyDef = def.keyType?._zod.def;
  if (def.checks?.length || !keyDef || keyDef.type !== 'string' || keyDef.checks?.length || keyDef.format !== undefined || keyDef.coerce || !def.valueType) return NEVER;
  const element = compile(def.valueType);
  return (value, memo) => {
    if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
    for (const key in value) if (!element(value[key], memo)) return false;
    return true;
  };
}

/**
 * A string with a format (url, email, a regex, …) and built-in checks only: zod's own
 * verdict on that one string, remembered per string for this validation (the
 * same URL in many steps is checked once).
 */
function formatPredicate(schema: Schema): Predicate {
  const def = schema._zod.def;
  if (def.checks?.some((check) => check._zod.when !== undefined || !BUILT_IN_STRING_CHECKS.has(check._zod.def.check))) return NEVER;
  const standard = (schema as unknown as z.ZodType)['~standard'];
  return (value, memo) => {
    if (typeof value !== 'string') return false;
    let verdicts = memo.get(schema);
    if (!verdicts) memo.set(schema, (verdicts = new Map()));
    let ok = verdicts.get(value);
    if (ok === undefined) {
      const result = standard.validate(value);
      // An async check is not judged here (and its outcome not awaited).
      if (result instanceof Promise) result.catch(() => {});
      ok = !(result instanceof Promise) && result.issues === undefined;
      verdicts.set(value, ok);
    }
    return ok;
  };
}

/** Checks that depend on the string alone (no refinements: their code may not be pure). */
const BUILT_IN_STRING_CHECKS = new Set(['string_format', 'min_length', 'max_length', 'length_equals']);

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
