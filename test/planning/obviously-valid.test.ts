import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// Internal: validation skips zod for tool arguments this says are fine, so it must never be wrong.
import { isObviouslyValid, type FormatMemo } from '../../src/planning/obviously-valid.js';

/** Argument schemas of the kinds tools declare, including the kinds the check leaves to zod. */
const schemas: Record<string, z.ZodType> = {
  shell: z.strictObject({ command: z.string().min(1), cwd: z.string().min(1).optional(), env: z.record(z.string(), z.string()).optional() }),
  argv: z.strictObject({ args: z.array(z.string()), cwd: z.string().min(1).optional() }),
  sleep: z.strictObject({ ms: z.int().min(0).max(86_400_000) }),
  numbers: z.strictObject({ ratio: z.number().gt(0).lt(1), count: z.int().min(1).max(1).optional(), any: z.number().optional() }),
  lengths: z.strictObject({ code: z.string().length(3), tags: z.array(z.string().max(2)).min(1).max(2), flag: z.boolean() }),
  choices: z.strictObject({ method: z.enum(['GET', 'POST']), mode: z.literal('fast').optional() }),
  stripping: z.object({ name: z.string() }),
  loose: z.looseObject({ name: z.string() }),
  http: z.strictObject({ url: z.url({ protocol: /^https?$/ }), method: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['GET'])).optional() }),
  refined: z.strictObject({ a: z.string() }).refine((v) => v.a !== 'no'),
  // As the http tool's "no body with GET": a rule across fields, run on what zod made of the object.
  crossField: z.strictObject({ method: z.enum(['GET', 'POST']).optional(), body: z.string().optional() }).superRefine((v, ctx) => {
    if (v.body !== undefined && (v.method ?? 'GET') === 'GET') ctx.addIssue({ code: 'custom', path: ['body'], message: 'no body with GET' });
  }),
  // zod strips the inner object's extra keys before the refinement sees it: the value as written would pass.
  strippedInside: z.strictObject({ inner: z.object({ n: z.int() }) }).refine((v) => Object.keys(v.inner).length !== 1),
  refinedStripping: z.object({ name: z.string() }).refine((v) => Object.keys(v).length !== 1),
  asyncRefined: z.strictObject({ a: z.string() }).refine(async (v) => v.a !== 'no'),
  throwing: z.strictObject({ a: z.string() }).superRefine((v) => {
    if (v.a === 'no') throw new Error('refinement failed to run');
  }),
  regex: z.strictObject({ id: z.string().regex(/^[a-z]+$/) }),
  trimmed: z.strictObject({ s: z.string().trim().min(1) }),
  defaults: z.strictObject({ s: z.string().default('x') }),
  union: z.strictObject({ v: z.union([z.string(), z.int()]) }),
  nullable: z.strictObject({ v: z.string().nullable() }),
  coerced: z.strictObject({ n: z.coerce.number() }),
  nested: z.strictObject({ inner: z.strictObject({ n: z.int().min(0) }), list: z.array(z.strictObject({ k: z.string() })).optional() }),
  status: z.strictObject({ expect: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional() }),
  body: z.strictObject({ body: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(), any: z.any() }),
  xor: z.strictObject({ v: z.xor([z.string().min(1), z.string().max(2)]) }),
  tagged: z.strictObject({ v: z.discriminatedUnion('k', [z.strictObject({ k: z.literal('a') }), z.strictObject({ k: z.literal('b'), n: z.int() })]) }),
  records: z.strictObject({ env: z.record(z.string(), z.string().min(1)), keyed: z.record(z.string().min(2), z.string()).optional(), numbers: z.record(z.string(), z.int()).optional() }),
  formats: z.strictObject({ mail: z.email().min(6).optional(), uuid: z.uuid().optional(), word: z.string().regex(/^[a-z]+$/g).max(3).optional() }),
  refinedUrl: z.strictObject({ url: z.url().refine((u) => !u.includes('bad')) }),
};

const near = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('', 'abc', 'GET', 'POST', 'get', 'fast', ' x ', 'no', 'http://x', 'ftp://x'),
  fc.integer({ min: -2, max: 3 }),
  fc.constantFrom(0, 1, 0.5, -0, 1.5, 2 ** 53, Number.NaN, Infinity, 86_400_001),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 2 }), fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxKeys: 2 }),
);
/** Strings at and past the edges of the formats. */
const formatted = fc.constantFrom('http://x', 'https://a.b/c', 'ftp://x', 'nope', ' http://x ', 'http://bad', 'a@b.co', 'a@b', 'ab@cd.ef', 'abc', 'ABC', 'abcd', '', '123e4567-e89b-12d3-a456-426614174000');
/** Objects zod's record may judge differently from a plain one. */
const oddRecord = fc.constantFrom<unknown>(
  { [Symbol('s')]: 'x', a: 'x' },
  Object.assign(Object.create({ inherited: 'x' }), { a: 'x' }),
  Object.assign(Object.create(null), { a: 'x' }),
  JSON.parse('{"__proto__": "x", "a": "x"}'),
  Object.defineProperty({ a: 'x' }, 'hidden', { value: 1, enumerable: false }),
  new Map([['a', 'x']]),
  { 1: 'x', a: '' },
);
/** Mostly valid arguments for each schema, with values at and past their limits. */
const str = fc.string({ maxLength: 4 });
const valid: Record<string, fc.Arbitrary<unknown>> = {
  shell: fc.record({ command: str, cwd: str, env: fc.dictionary(str, str, { maxKeys: 1 }) }, { requiredKeys: ['command'] }),
  argv: fc.record({ args: fc.array(str, { maxLength: 3 }), cwd: str }, { requiredKeys: ['args'] }),
  sleep: fc.record({ ms: fc.oneof(fc.integer({ min: -1, max: 2 }), fc.constantFrom(86_400_000, 86_400_001, 0.5, -0)) }),
  numbers: fc.record({ ratio: fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constantFrom(0, 1)), count: fc.integer({ min: 0, max: 2 }), any: fc.double() }, { requiredKeys: ['ratio'] }),
  lengths: fc.record({ code: fc.string({ minLength: 2, maxLength: 4 }), tags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }), flag: fc.oneof(fc.boolean(), fc.constant(0)) }),
  choices: fc.record({ method: fc.constantFrom('GET', 'POST', 'get'), mode: fc.constantFrom('fast', 'slow') }, { requiredKeys: ['method'] }),
  stripping: fc.record({ name: str, other: near }, { requiredKeys: ['name'] }),
  loose: fc.record({ name: str, other: near }, { requiredKeys: ['name'] }),
  http: fc.record({ url: fc.constantFrom('http://x', 'https://a.b/c', 'ftp://x', 'nope'), method: fc.constantFrom('get', 'GET', 'PUT') }, { requiredKeys: ['url'] }),
  refined: fc.record({ a: fc.constantFrom('yes', 'no') }),
  crossField: fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT'), body: fc.oneof(str, fc.integer()) }, { requiredKeys: [] }),
  strippedInside: fc.record({ inner: fc.record({ n: fc.integer({ min: 0, max: 1 }), extra: str }, { requiredKeys: ['n'] }) }),
  refinedStripping: fc.record({ name: str, other: near }, { requiredKeys: ['name'] }),
  asyncRefined: fc.record({ a: fc.constantFrom('yes', 'no') }),
  throwing: fc.record({ a: fc.constantFrom('yes', 'maybe') }),
  regex: fc.record({ id: fc.constantFrom('abc', 'ABC', '') }),
  trimmed: fc.record({ s: fc.constantFrom(' x ', '  ', 'y') }),
  defaults: fc.record({ s: str }, { requiredKeys: [] }),
  union: fc.record({ v: fc.oneof(str, fc.integer(), fc.double()) }),
  nullable: fc.record({ v: fc.oneof(str, fc.constant(null)) }),
  coerced: fc.record({ n: fc.oneof(fc.integer(), str) }),
  nested: fc.record({ inner: fc.record({ n: fc.integer({ min: -1, max: 2 }) }), list: fc.array(fc.record({ k: fc.oneof(str, fc.integer()) }), { maxLength: 2 }) }, { requiredKeys: ['inner'] }),
  status: fc.record({ expect: fc.oneof(fc.constantFrom(99, 100, 200, 599, 600, 200.5), fc.array(fc.constantFrom(99, 200, 599, 600), { maxLength: 2 })) }, { requiredKeys: [] }),
  body: fc.record({ body: fc.oneof(str, fc.array(near, { maxLength: 2 }), fc.dictionary(str, near, { maxKeys: 2 }), oddRecord, near), any: near }, { requiredKeys: [] }),
  xor: fc.record({ v: fc.oneof(fc.constantFrom('', 'a', 'ab', 'abc'), near) }),
  tagged: fc.record({ v: fc.oneof(fc.constant({ k: 'a' }), fc.record({ k: fc.constantFrom('a', 'b', 'c'), n: fc.integer() }, { requiredKeys: ['k'] }), near) }),
  records: fc.record({ env: fc.oneof(fc.dictionary(str, str, { maxKeys: 2 }), oddRecord), keyed: fc.dictionary(str, str, { maxKeys: 2 }), numbers: fc.dictionary(str, fc.oneof(fc.integer(), fc.double()), { maxKeys: 2 }) }, { requiredKeys: ['env'] }),
  formats: fc.record({ mail: formatted, uuid: formatted, word: formatted }, { requiredKeys: [] }),
  refinedUrl: fc.record({ url: formatted }),
};
/** One field replaced, removed or added. */
const mutated = (arb: fc.Arbitrary<unknown>) =>
  fc.tuple(arb, fc.constantFrom('command', 'args', 'ms', 'ratio', 'code', 'tags', 'method', 'name', 'inner', 'extra'), near, fc.boolean()).map(([value, key, replacement, remove]) => {
    const out = { ...(value as Record<string, unknown>) };
    if (remove) delete out[key];
    else out[key] = replacement;
    return out;
  });
const argsFor = (name: string) => fc.oneof({ arbitrary: valid[name]!, weight: 4 }, { arbitrary: mutated(valid[name]!), weight: 3 }, { arbitrary: fc.anything(), weight: 1 });

describe('isObviouslyValid', () => {
  it('never says yes where zod says no', () => {
    let yes = 0;
    // One memo across all runs, as in one validation: a remembered verdict must be as right as a fresh one.
    const memo: FormatMemo = new Map();
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(schemas)).chain((name) => fc.tuple(fc.constant(name), argsFor(name))), ([name, value]) => {
        const schema = schemas[name]!;
        if (!isObviouslyValid(schema, value, memo)) return;
        yes++;
        expect(schema.safeParse(value).success, `${name}: ${JSON.stringify(value)}`).toBe(true);
      }),
      { numRuns: 20_000, seed: 11 },
    );
    expect(yes).toBeGreaterThan(2_000);
  });

  it('says yes to plain valid arguments of the kinds it knows', () => {
    expect(isObviouslyValid(schemas.shell!, { command: 'make', cwd: 'app' })).toBe(true);
    expect(isObviouslyValid(schemas.argv!, { args: ['get', 'pods'] })).toBe(true);
    expect(isObviouslyValid(schemas.sleep!, { ms: 0 })).toBe(true);
    expect(isObviouslyValid(schemas.numbers!, { ratio: 0.5, count: 1 })).toBe(true);
    expect(isObviouslyValid(schemas.lengths!, { code: 'abc', tags: ['a'], flag: false })).toBe(true);
    expect(isObviouslyValid(schemas.choices!, { method: 'POST' })).toBe(true);
    expect(isObviouslyValid(schemas.stripping!, { name: 'n', other: 1 })).toBe(true);
    expect(isObviouslyValid(schemas.nested!, { inner: { n: 1 }, list: [{ k: 'x' }] })).toBe(true);
    expect(isObviouslyValid(schemas.http!, { url: 'http://localhost:8080/health' })).toBe(true);
    expect(isObviouslyValid(schemas.shell!, { command: 'x', env: {} })).toBe(true);
    expect(isObviouslyValid(schemas.shell!, { command: 'x', env: { A: '1' } })).toBe(true);
    expect(isObviouslyValid(schemas.status!, { expect: 200 })).toBe(true);
    expect(isObviouslyValid(schemas.status!, { expect: [200, 201] })).toBe(true);
    expect(isObviouslyValid(schemas.body!, { body: { a: [1] }, any: null })).toBe(true);
    expect(isObviouslyValid(schemas.formats!, { mail: 'a@b.co', word: 'abc' })).toBe(true);
    expect(isObviouslyValid(schemas.refined!, { a: 'yes' })).toBe(true);
    expect(isObviouslyValid(schemas.crossField!, { method: 'POST', body: 'x' })).toBe(true);
    expect(isObviouslyValid(schemas.crossField!, {})).toBe(true);
  });

  it('runs the refinements of a strict object, and leaves to zod one that fails, throws, is async or would see a stripped object', () => {
    expect(isObviouslyValid(schemas.refined!, { a: 'no' })).toBe(false);
    expect(isObviouslyValid(schemas.crossField!, { body: 'x' })).toBe(false);
    expect(isObviouslyValid(schemas.crossField!, { method: 'GET', body: 'x' })).toBe(false);
    expect(isObviouslyValid(schemas.throwing!, { a: 'no' })).toBe(false);
    expect(isObviouslyValid(schemas.asyncRefined!, { a: 'yes' })).toBe(false);
    expect(isObviouslyValid(schemas.strippedInside!, { inner: { n: 1, extra: 'x' } })).toBe(false);
    expect(schemas.strippedInside!.safeParse({ inner: { n: 1, extra: 'x' } }).success).toBe(false);
    expect(isObviouslyValid(schemas.refinedStripping!, { name: 'n', other: 1 })).toBe(false);
  });

  it('remembers a format verdict per string and schema, and only within the memo it is given', () => {
    const memo: FormatMemo = new Map();
    expect(isObviouslyValid(schemas.http!, { url: 'nope' }, memo)).toBe(false);
    expect(isObviouslyValid(schemas.http!, { url: 'ftp://x' }, memo)).toBe(false);
    expect(isObviouslyValid(schemas.http!, { url: 'https://a.b/c' }, memo)).toBe(true);
    expect(isObviouslyValid(schemas.http!, { url: 'https://a.b/c' }, memo)).toBe(true);
    expect([...memo.values()].map((verdicts) => [...verdicts])).toEqual([[['nope', false], ['ftp://x', false], ['https://a.b/c', true]]]);
  });

  it('leaves to zod what it cannot judge, and what is wrong', () => {
    expect(isObviouslyValid(schemas.http!, { url: 'http://localhost', method: 'GET' })).toBe(false);
    expect(isObviouslyValid(schemas.http!, { url: 'ftp://localhost' })).toBe(false);
    expect(isObviouslyValid(schemas.refinedUrl!, { url: 'http://x' })).toBe(false);
    expect(isObviouslyValid(schemas.xor!, { v: 'a' })).toBe(false);
    expect(isObviouslyValid(schemas.tagged!, { v: { k: 'a' } })).toBe(false);
    expect(isObviouslyValid(schemas.records!, { env: { [Symbol('s')]: 'x' } })).toBe(false);
    expect(isObviouslyValid(schemas.records!, { env: {}, keyed: { ab: 'x' } })).toBe(false);
    expect(isObviouslyValid(schemas.status!, { expect: [] })).toBe(false);
    expect(isObviouslyValid(schemas.shell!, { command: '' })).toBe(false);
    expect(isObviouslyValid(schemas.shell!, { command: 'x', shell: 'bash' })).toBe(false);
    expect(isObviouslyValid(schemas.sleep!, { ms: '{{ inputs.port }}' })).toBe(false);
    expect(isObviouslyValid(schemas.loose!, { name: 'n' })).toBe(false);
  });
});
