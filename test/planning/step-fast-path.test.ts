import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StepSchema } from '../../src/planning/index.js';
// Internal: validation's fast path must give exactly zod's answer, or none.
import { parseStepFast } from '../../src/planning/step-fast-path.js';

const ids = ['a', 'build', 'deploy-web', 'x_1'];
const text = fc.string({ maxLength: 6 });
const argValue = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(text, { maxLength: 2 }), fc.dictionary(text, text, { maxKeys: 2 }));

/** Steps as YAML/JSON gives them: mostly valid, any optional field present or not. */
const validStep = fc
  .record(
    {
      id: fc.constantFrom(...ids),
      name: text,
      dependsOn: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 3 }),
      retry: fc.record(
        { maxAttempts: fc.integer({ min: 1, max: 100 }), initialDelayMs: fc.nat(), multiplier: fc.double({ min: 1, max: 10, noNaN: true }), maxDelayMs: fc.nat() },
        { requiredKeys: [] },
      ),
      timeoutMs: fc.integer({ min: 1, max: 1e9 }),
      when: fc.string({ minLength: 1, maxLength: 8 }),
      kind: fc.constantFrom('tool_call', 'implicit', 'llm_query', 'condition'),
      tool: fc.string({ minLength: 1, maxLength: 6 }),
      args: fc.dictionary(fc.string({ maxLength: 5 }), argValue, { maxKeys: 4 }),
      prompt: fc.string({ minLength: 1, maxLength: 8 }),
      rollback: fc.record({ tool: fc.string({ minLength: 1, maxLength: 4 }), args: fc.dictionary(text, argValue, { maxKeys: 2 }), timeoutMs: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: ['tool'] }),
    },
    { requiredKeys: ['id', 'kind', 'tool', 'prompt', 'when'] },
  )
  .map(({ kind, tool, args, prompt, rollback, when, retry, timeoutMs, ...common }) => {
    if (kind === 'condition') return { ...common, type: kind, when };
    const runnable = { ...common, ...(retry ? { retry } : {}), ...(timeoutMs ? { timeoutMs } : {}), ...(when.length > 3 ? { when } : {}) };
    if (kind === 'llm_query') return { ...runnable, type: kind, prompt };
    return { ...runnable, ...(kind === 'tool_call' ? { type: kind } : {}), tool, ...(args ? { args } : {}), ...(rollback ? { rollback } : {}) };
  });

/** A valid step with one thing changed: a wrong type, an unknown or undefined field, a bad number, an odd object. */
const nearlyValidStep = fc.tuple(validStep, fc.constantFrom('id', 'name', 'dependsOn', 'retry', 'timeoutMs', 'when', 'type', 'tool', 'args', 'prompt', 'rollback', 'extra'), fc.anything(), fc.nat(9)).map(
  ([step, field, value, how]) => {
    const out: Record<string, unknown> = { ...step };
    if (how === 0) delete out[field];
    else if (how === 1) out[field] = undefined;
    else if (how === 2 && field === 'args') out.args = Object.assign(Object.create({ inherited: 1 }), { a: 1 });
    else if (how === 3 && field === 'args') out.args = { [Symbol('s')]: 1, a: 1 };
    else if (how === 4 && field === 'args') out.args = JSON.parse('{"__proto__": {"x": 1}}');
    else if (how === 5) out.retry = { maxAttempts: [0, 101, 1.5, 2 ** 53, -0, Number.NaN][field.length % 6] };
    else if (how === 6) out.retry = { multiplier: [0.5, 11, Infinity, Number.NaN, '2'][field.length % 5] };
    else if (how === 7) out.dependsOn = [ids[0], field.length % 2 ? 3 : undefined];
    else out[field] = value;
    return out;
  },
);

/** Same JSON text (with undefined made visible): same fields, same values, same key order. */
const shape = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));

/** Where zod hands back the input's own object (args values) the fast path must too, and copy where zod copies. */
/** Where the fast path keeps the input's own value instead of zod's copy (a null-prototype object excepted): nothing changes a plan's arguments or dependency lists. */
const KEPT = new Set(['step.args', 'step.dependsOn', 'step.rollback.args']);

function sameSharing(raw: unknown, fast: unknown, zod: unknown, path = 'step'): void {
  if (typeof zod !== 'object' || zod === null) return;
  if (KEPT.has(path) && raw !== undefined && (Array.isArray(raw) || Object.getPrototypeOf(raw) === Object.prototype)) {
    expect(Object.is(fast, raw), `${path} is the input's own`).toBe(true);
    return;
  }
  expect(Object.is(fast, raw), `${path} shared with the input`).toBe(Object.is(zod, raw));
  for (const key of Object.keys(zod)) {
    const child = (v: unknown) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);
    sameSharing(child(raw), child(fast), child(zod), `${path}.${key}`);
  }
}

function agreesWithZod(raw: unknown): boolean {
  const fast = parseStepFast(raw);
  if (fast === undefined) return false;
  const zod = StepSchema.safeParse(raw);
  expect(zod.success, `zod rejects what the fast path accepted: ${shape(raw)}`).toBe(true);
  expect(shape(fast)).toBe(shape(zod.data));
  expect(fast).toStrictEqual(zod.data);
  sameSharing(raw, fast, zod.data);
  return true;
}

describe('parseStepFast', () => {
  it('takes every plain valid step, with exactly what StepSchema.parse gives', () => {
    fc.assert(
      fc.property(validStep, (raw) => {
        expect(agreesWithZod(raw)).toBe(true);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('on anything else, either agrees with zod or leaves the step to zod', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.oneof(nearlyValidStep, fc.anything()), (raw) => {
        if (agreesWithZod(raw)) taken++;
      }),
      { numRuns: 4000, seed: 8 },
    );
    expect(taken).toBeGreaterThan(100);
  });

  it('takes an id exactly when the id pattern does', () => {
    const edges = ['a', '0', 'a-', 'a_', '-a', '_a', 'A', 'aB', 'a b', 'a.b', 'a\n', '\na', 'é', 'ａ', '', 'a'.repeat(63), 'a'.repeat(64), `9${'-'.repeat(62)}`];
    const arbitraryIds = fc.oneof(fc.constantFrom(...edges), fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z0-9_-]{0,66}$/));
    fc.assert(
      fc.property(arbitraryIds, (id) => {
        const raw = { id, tool: 'shell' };
        expect(parseStepFast(raw) !== undefined, JSON.stringify(id)).toBe(StepSchema.safeParse(raw).success);
        if (parseStepFast(raw)) agreesWithZod(raw);
      }),
      { numRuns: 3000, seed: 9, examples: edges.map((id) => [id]) },
    );
  });

  it('leaves exotic inputs to zod', () => {
    const step = { id: 'a', tool: 'shell', args: { command: 'x' } };
    expect(parseStepFast(step)).toEqual({ id: 'a', dependsOn: [], tool: 'shell', args: { command: 'x' } });
    expect(parseStepFast({ ...step, name: undefined })).toBeUndefined();
    expect(parseStepFast({ ...step, retries: 3 })).toBeUndefined();
    expect(parseStepFast({ ...step, type: 'shell_command' })).toBeUndefined();
    expect(parseStepFast({ ...step, args: { [Symbol('s')]: 1 } })).toBeUndefined();
    expect(parseStepFast(Object.assign(new (class Step {})(), step))).toBeUndefined();
    expect(parseStepFast([step])).toBeUndefined();
  });
});
