import { parse } from '@marcbachmann/cel-js';
import { isNode, literalString, type Node, walkCel } from './cel-ast.js';
import { envGuardsOf, NO_ENV_GUARDS, type EnvGuards } from './env-guards.js';
import { NO_NULL_GUARDS, nullGuardsOf, type NullGuards } from './null-guards.js';
import { NO_NUMBER_READS, numberReadsOf, type NumberReads } from './number-reads.js';
import { doubleInputsOf } from './arithmetic-groups.js';
import { isPlainObject } from './values.js';
import { overloadProblem } from './overload-words.js';

/**
 * CEL expressions (the language of Kubernetes admission policies) for `when`
 * conditions and `{{ }}` templates. Compiled once at validation time; never `eval`.
 */

export type ExpressionRoot = 'steps' | 'inputs' | 'env';

/** What an expression reads, found by walking its syntax tree. */
export type ExpressionReferences = {
  readonly steps: string[];
  readonly inputs: string[];
  readonly env: string[];
  /** Identifiers other than steps/inputs/env, e.g. a typo like `step.build`. */
  readonly unknownRoots: string[];
  /** `steps[expr]` with a non-literal key: cannot be checked before the run. */
  readonly dynamicStepAccess: boolean;
  /** `inputs[expr]` with a non-literal key, or `inputs` itself (`string(inputs)`): it may read any input. */
  readonly anyInput: boolean;
};

export type CompiledExpression = {
  readonly source: string;
  readonly references: ExpressionReferences;
  /** Which inputs it reads without first testing them against null, and which it being true proves not null. */
  readonly nullGuards: NullGuards;
  /** Which allow-listed variables it reads without first testing them set, and which it being true proves set. */
  readonly envGuards: EnvGuards;
  /** Which inputs it reads as numbers (`inputs.replicas > 2`), and which only when another is one (`inputs.a > inputs.b`). */
  readonly numberReads: NumberReads;
  evaluate(context: ExpressionContext): unknown;
};

export type ExpressionContext = {
  readonly steps: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  readonly env: Record<string, unknown>;
};

export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; message: string };

const cache = new Map<string, CompileResult>();
const CACHE_LIMIT = 10_000;

export function compileExpression(source: string): CompileResult {
  const hit = cache.get(source);
  if (hit) return hit;
  let result: CompileResult;
  try {
    const evaluator = parse(source);
    const ast = evaluator.ast as unknown as Node;
    const references = collectReferences(ast);
    const numberReads = references.inputs.length > 0 ? numberReadsOf(ast, source) : NO_NUMBER_READS;
    result = {
      ok: true,
      expression: {
        source,
        references,
        nullGuards: references.inputs.length > 0 ? nullGuardsOf(ast) : NO_NULL_GUARDS,
        envGuards: references.env.length > 0 ? envGuardsOf(ast) : NO_ENV_GUARDS,
        numberReads,
        evaluate: (context) => fromCel(evaluator(celContext(context, references, numberReads))),
      },
    };
  } catch (error) {
    result = { ok: false, message: describeCelError(error) };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, result);
  return result;
}

/** Forgets every compiled expression, so a measurement (or a long-lived process) starts cold. */
export function clearExpressionCache(): void {
  cache.clear();
}

/** Evaluates and turns CEL's multi-line errors into one line. */
export function evaluateExpression(expression: CompiledExpression, context: ExpressionContext): unknown {
  try {
    return expression.evaluate(context);
  } catch (error) {
    throw new ExpressionEvaluationError(expression.source, describeCelError(error));
  }
}

export class ExpressionEvaluationError extends Error {
  override readonly name = 'ExpressionEvaluationError';
  /** `field`: where in its step the expression is (`when`, `args.command`), once known. */
  constructor(
    readonly source: string,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(`expression "${source}"${field === undefined ? '' : ` in ${field}`} failed: ${reason}`);
  }

  /** The same error, its field inside `key` (`args` around `command`). */
  within(key: string | number): ExpressionEvaluationError {
    const outer = typeof key === 'number' ? `[${key}]` : key;
    const field = this.field === undefined ? outer : this.field.startsWith('[') ? `${outer}${this.field}` : `${outer}.${this.field}`;
    return new ExpressionEvaluationError(this.source, this.reason, field);
  }
}

/** First line of a CEL error plus the column its caret points at. */
export function describeCelError(error: unknown): string {
  const overload = overloadProblem(error);
  if (overload !== undefined) return overload;
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n');
  const head = (lines[0] ?? message).trim();
  const sourceLine = lines.find((line) => /^>\s+\d+ \| /.test(line));
  const caretLine = lines.find((line) => /^\s+\^\s*$/.test(line));
  if (sourceLine && caretLine) {
    const prefix = sourceLine.indexOf('| ') + 2;
    const column = caretLine.indexOf('^') - prefix + 1;
    if (column > 0) return `${head} (at column ${column})`;
  }
  return head;
}

/**
 * CEL's type names, which are values in an expression (`type(inputs.port) == int`, `[int, uint].exists(t, …)`):
 * cel-js declares them as constants of every environment (its `TYPES`), so they read no variable.
 */
const CEL_TYPE_NAMES: ReadonlySet<string> = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

function collectReferences(ast: Node): ExpressionReferences {
  const steps = new Set<string>();
  const inputs = new Set<string>();
  const env = new Set<string>();
  const unknownRoots = new Set<string>();
  let dynamicStepAccess = false;
  let anyInput = false;

  walkCel(ast, (node, bound, visit) => {
    const { op, args } = node;
    if (op === 'id') {
      const name = args as string;
      if (bound.has(name)) return true;
      if (name === 'inputs') anyInput = true;
      if (name !== 'steps' && name !== 'inputs' && name !== 'env' && !CEL_TYPE_NAMES.has(name)) unknownRoots.add(name);
      return true;
    }
    if (op !== '.' && op !== '.?' && op !== '[]' && op !== '[?]') return false;
    const [target, key] = args as [Node, unknown];
    if (!isNode(target) || target.op !== 'id' || bound.has(target.args as string)) return false;
    const root = target.args as string;
    if (root !== 'steps' && root !== 'inputs' && root !== 'env') return false;
    const literal = op === '.' || op === '.?' ? (key as string) : literalString(key);
    if (literal === undefined) {
      if (root === 'steps') dynamicStepAccess = true;
      if (root === 'inputs') anyInput = true;
      visit(key, bound);
      return true;
    }
    (root === 'steps' ? steps : root === 'inputs' ? inputs : env).add(literal);
    return true;
  });

  return {
    steps: [...steps],
    inputs: [...inputs],
    env: [...env],
    unknownRoots: [...unknownRoots],
    dynamicStepAccess,
    anyInput,
  };
}

/**
 * Only what the expression references is converted, so evaluating one
 * expression costs the same in a 10-step and a 100k-step run.
 */
function celContext(context: ExpressionContext, references: ExpressionReferences, numberReads: NumberReads): Record<string, unknown> {
  // `inputs.a + inputs.b` with 10 and 9.5: CEL adds no int to a double, so both go in as doubles (a JS number is one).
  const doubles = numberReads.groups.length === 0 ? NO_DOUBLES : doubleInputsOf(numberReads.groups, (name) => (Object.hasOwn(context.inputs, name) ? context.inputs[name] : undefined));
  const input = (key: string) => (doubles.has(key) ? context.inputs[key] : toCel(context.inputs[key]));
  if (references.dynamicStepAccess) {
    const inputs = Object.keys(context.inputs);
    return { steps: toCel(context.steps), inputs: celMap(inputs, input), env: toCel(context.env) };
  }
  const pick = (source: Record<string, unknown>, keys: readonly string[], valueOf: (key: string) => unknown = (key) => toCel(source[key])) =>
    celMap(
      keys.filter((key) => Object.hasOwn(source, key)),
      valueOf,
    );
  return {
    steps: pick(context.steps, references.steps),
    inputs: pick(context.inputs, references.inputs, input),
    env: pick(context.env, references.env),
  };
}

const NO_DOUBLES: ReadonlySet<string> = new Set();

/**
 * JSON numbers are doubles in CEL, so `inputs.port + 1` would fail with
 * "no such overload: double + int". Whole numbers become CEL ints instead.
 */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toCel);
  if (isPlainObject(value)) return celMap(Object.keys(value), (key) => toCel(value[key]));
  return value;
}

/**
 * A CEL map of these keys. A plain object is what cel-js reads fastest, but it tells an object's type by its
 * `constructor`, so a step, input or output key named `constructor` (valid ids) made every expression reading
 * it fail ("Unsupported type: object"), and assigning a `__proto__` key would set the prototype instead: such
 * maps are Maps.
 */
function celMap(keys: readonly string[], valueOf: (key: string) => unknown): Record<string, unknown> | Map<string, unknown> {
  if (keys.some((key) => key === 'constructor' || key === '__proto__')) return new Map(keys.map((key) => [key, valueOf(key)]));
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = valueOf(key);
  return out;
}

/**
 * CEL values as JSON and tools take them: ints (bigint) and uints as numbers, bytes as their UTF-8
 * text, timestamps as ISO-8601 and durations as CEL writes them ("90s"), as `string()` would; not
 * `{}`, which is what such an object turns into as JSON.
 */
/** How cel-js tags its type values (`Type<int>`). */
const TYPE_TAG = /^\[object Type<([A-Za-z_][A-Za-z0-9_.]*)>\]$/;

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  // fromEntries makes a `__proto__` key an own property, as JSON.parse does, where assigning it would not.
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, entry]) => [String(key), fromCel(entry)]));
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).map((key) => [key, fromCel(value[key])]));
  // A type value (`type(x)`, `int`) is its CEL name: `int`, `null_type`, `google.protobuf.Duration`.
  const type = typeof value === 'object' && value !== null ? TYPE_TAG.exec(Object.prototype.toString.call(value)) : null;
  if (type !== null) return type[1] === 'null' ? 'null_type' : type[1];
  if (typeof value === 'object' && value !== null) {
    // cel-js's own types: a uint is a bigint inside, a duration has its CEL text.
    const inner: unknown = value.valueOf();
    return typeof inner === 'bigint' ? fromCel(inner) : String(value);
  }
  return value;
}

