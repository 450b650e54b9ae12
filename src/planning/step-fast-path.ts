import { ConditionStepSchema, LlmQueryStepSchema, RetryPolicySchema, RollbackSchema, ToolCallStepSchema, type Step } from './schema.js';
import { isPlainObject } from './values.js';
import { MAX_TIMER_MS } from './limits.js';

/**
 * The common, valid step checked by hand, with exactly the result
 * `StepSchema.parse` gives: the same fields in the same order, defaults
 * applied, fresh copies of objects and arrays. zod's generic parsing was
 * most of the cost of validating a 100k-step plan. Anything unusual (a wrong
 * type, an unknown or undefined field, a non-plain object, a symbol key)
 * returns undefined, and zod decides — with its messages.
 * test/planning/step-fast-path.test.ts holds the two to the same answers.
 */

// Field names and defaults come from the schemas, so a field added there is never missed here.
const fieldsOf = (schema: { readonly shape: object }) => new Set(Object.keys(schema.shape));
const TOOL_CALL_FIELDS = fieldsOf(ToolCallStepSchema);
const LLM_QUERY_FIELDS = fieldsOf(LlmQueryStepSchema);
const CONDITION_FIELDS = fieldsOf(ConditionStepSchema);
const RETRY_FIELDS = fieldsOf(RetryPolicySchema);
const ROLLBACK_FIELDS = fieldsOf(RollbackSchema);
const RETRY_DEFAULTS = RetryPolicySchema.parse({});

/** Nothing before zod's answer may differ: a miss is always safe, a wrong hit never is. */
const MISS = undefined;

export function parseStepFast(raw: unknown): Step | undefined {
  if (!isPlainObject(raw)) return MISS;
  const type = raw.type;
  const fields = type === undefined || type === 'tool_call' ? TOOL_CALL_FIELDS : type === 'llm_query' ? LLM_QUERY_FIELDS : type === 'condition' ? CONDITION_FIELDS : undefined;
  if (!fields || !onlyDefinedFields(raw, fields)) return MISS;

  const { id, name, when } = raw;
  if (typeof id !== 'string' || !isStepId(id)) return MISS;
  if (name !== undefined && typeof name !== 'string') return MISS;
  const dependsOn = stringArray(raw.dependsOn);
  if (!dependsOn) return MISS;
  if (when !== undefined && !nonEmptyString(when)) return MISS;

  const { retry, timeoutMs, tool, rollback } = raw;
  // The commonest step, a bare tool call, is made in one object literal (one allocation, its final shape).
  if (type === undefined && retry === undefined && timeoutMs === undefined && when === undefined && rollback === undefined && raw.runsOn === undefined) {
    if (!nonEmptyString(tool)) return MISS;
    const args = argsRecord(raw.args);
    if (!args) return MISS;
    return (name === undefined ? { id, dependsOn, tool, args } : { id, name, dependsOn, tool, args }) as Step;
  }

  const out: Record<string, unknown> = { id };
  if (name !== undefined) out.name = name;
  out.dependsOn = dependsOn;
  if (type === 'condition') {
    if (when === undefined) return MISS;
    out.type = type;
    out.when = when;
    return out as Step;
  }

  if (retry !== undefined) {
    const policy = retryPolicy(retry);
    if (!policy) return MISS;
    out.retry = policy;
  }
  if (timeoutMs !== undefined) {
    if (!isInt(timeoutMs, 1, MAX_TIMER_MS)) return MISS;
    out.timeoutMs = timeoutMs;
  }
  if (when !== undefined) out.when = when;
  if (type === 'llm_query') {
    if (!nonEmptyString(raw.prompt)) return MISS;
    out.type = type;
    out.prompt = raw.prompt;
    return out as Step;
  }

  if (type !== undefined) out.type = type;
  // Placement on workers is rare: zod parses it.
  if (raw.runsOn !== undefined) return MISS;
  if (!nonEmptyString(tool)) return MISS;
  out.tool = tool;
  const args = argsRecord(raw.args);
  if (!args) return MISS;
  out.args = args;
  if (rollback !== undefined) {
    const action = rollbackAction(rollback);
    if (!action) return MISS;
    out.rollback = action;
  }
  return out as Step;
}

function retryPolicy(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value) || !onlyDefinedFields(value, RETRY_FIELDS)) return MISS;
  const { maxAttempts = RETRY_DEFAULTS.maxAttempts, initialDelayMs = RETRY_DEFAULTS.initialDelayMs, multiplier = RETRY_DEFAULTS.multiplier, maxDelayMs = RETRY_DEFAULTS.maxDelayMs } = value;
  if (!isInt(maxAttempts, 1, 100) || !isInt(initialDelayMs, 0, MAX_TIMER_MS) || !isInt(maxDelayMs, 0, MAX_TIMER_MS)) return MISS;
  if (typeof multiplier !== 'number' || !Number.isFinite(multiplier) || multiplier < 1 || multiplier > 10) return MISS;
  return { maxAttempts, initialDelayMs, multiplier, maxDelayMs };
}

function rollbackAction(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value) || !onlyDefinedFields(value, ROLLBACK_FIELDS) || !nonEmptyString(value.tool)) return MISS;
  const args = argsRecord(value.args);
  if (!args) return MISS;
  const out: Record<string, unknown> = { tool: value.tool, args };
  if (value.timeoutMs !== undefined) {
    if (!isInt(value.timeoutMs, 1, MAX_TIMER_MS)) return MISS;
    out.timeoutMs = value.timeoutMs;
  }
  return out;
}

/**
 * The arguments as z.record(z.string(), z.unknown()) takes them; `{}` when absent. The object itself,
 * not a copy as zod makes: nothing changes a plan's arguments, and 100k copies were a tenth of the
 * time validation took.
 */
function argsRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return {};
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return MISS;
  for (const key in value) if (key === '__proto__') return MISS;
  if (Object.getPrototypeOf(value) === Object.prototype) return value;
  // One without a prototype (rare: no parser here makes one) gets zod's plain copy.
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = value[key];
  return out;
}

/** The ids as z.array(z.string()) takes them; the array itself, as argsRecord keeps the arguments. */
function stringArray(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return MISS;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return MISS;
  return value as string[];
}

/** Every own enumerable key is a known field with a value (zod keeps a present `undefined`; the fast path leaves that to it). */
function onlyDefinedFields(value: Record<string, unknown>, fields: ReadonlySet<string>): boolean {
  for (const key in value) if (!fields.has(key) || value[key] === undefined) return false;
  return true;
}

/** STEP_ID_PATTERN (`^[a-z0-9][a-z0-9_-]{0,62}$`) without the regex engine: one test per step. */
function isStepId(id: string): boolean {
  if (id.length === 0 || id.length > 63) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (i > 0 && (c === 45 || c === 95));
    if (!ok) return false;
  }
  return true;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isInt(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}
