import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StepSchema, validatePlan, type ValidationIssue } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// Validation skips zod where it can prove a step or its arguments valid (the fast step parse,
// obviously-valid arguments, remembered URL verdicts, steps settled while parsed). Whatever it
// skips, each step and each argument object must come out as zod alone decides it.

const tools = createBuiltinRegistry().catalog();
const ids = Array.from({ length: 8 }, (_, i) => `s-${i}`);
const urls = ['http://localhost:8080/health', 'https://a.b/c', 'ftp://x', 'nope', ' http://x ', 'http://localhost:{{ inputs.port }}/h'];
/** Mostly right, sometimes not. */
const mostly = <T, U>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<U>) => fc.oneof({ arbitrary: right, weight: 12 }, { arbitrary: wrong, weight: 1 });
const text = fc.string({ maxLength: 5 });
const word = mostly(fc.string({ minLength: 1, maxLength: 5 }), fc.constant(''));
const oddValue = fc.oneof(fc.constantFrom<unknown>(null, undefined, 0, -1, 1.5, 200, 600, '', 'x', [], [200], {}, { a: 1 }), fc.anything({ maxDepth: 1 }));

const argsOf: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  shell: fc.record({ command: fc.oneof(word, fc.constant('echo {{ inputs.port }}')), cwd: word, env: fc.dictionary(text, text, { maxKeys: 2 }) }, { requiredKeys: ['command'] }),
  http: fc.record({ url: mostly(fc.constantFrom(...urls.slice(0, 2)), fc.constantFrom(...urls)), expectStatus: mostly(fc.oneof(fc.constant(200), fc.array(fc.constantFrom(200, 204), { minLength: 1, maxLength: 2 })), fc.oneof(fc.constantFrom(99, 600), fc.array(fc.constantFrom(200, 99), { maxLength: 2 }))), headers: fc.dictionary(text, text, { maxKeys: 2 }), body: fc.oneof(text, fc.dictionary(text, text, { maxKeys: 1 })), method: fc.constantFrom('GET', 'get', 'PUT') }, { requiredKeys: ['url'] }),
  kubectl: fc.record({ args: fc.array(text, { maxLength: 3 }), namespace: word }, { requiredKeys: ['args'] }),
  sleep: fc.record({ ms: mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5)) }),
};
/** A tool's arguments, mostly valid, some with one field replaced, removed or added. */
const args = (tool: string) =>
  fc.tuple(argsOf[tool] ?? argsOf.shell!, fc.nat(11), fc.constantFrom('command', 'url', 'args', 'ms', 'expectStatus', 'headers', 'extra'), oddValue).map(([value, how, key, odd]) => {
    const out: Record<string, unknown> = { ...value };
    if (how === 0) out[key] = odd;
    else if (how === 1) delete out[key];
    return out;
  });
const toolStep = mostly(fc.constantFrom('shell', 'http', 'kubectl', 'sleep'), fc.constant('nosuch')).chain((tool) =>
  fc.record(
    {
      tool: fc.constant(tool),
      args: args(tool),
      name: text,
      retry: fc.record({ maxAttempts: mostly(fc.integer({ min: 1, max: 3 }), fc.constant(0)) }),
      timeoutMs: mostly(fc.integer({ min: 1, max: 5 }), fc.constant(0)),
      when: mostly(fc.constantFrom('inputs.port > 1', 'true'), fc.constant('')),
      rollback: fc.record({ tool: mostly(fc.constant('shell'), fc.constantFrom('http', 'nosuch')), args: args('shell') }),
      type: mostly(fc.constant('tool_call'), fc.constantFrom('llm_query', 'shell')),
      extra: oddValue,
    },
    { requiredKeys: ['tool'] },
  ),
);
const plan = fc.array(fc.tuple(toolStep, fc.subarray(ids, { maxLength: 2 })), { minLength: 1, maxLength: 5 }).map((steps) => ({
  goal: 'g',
  inputs: { port: 8080 },
  // Rare fields are kept rare: a plan is valid only when all its steps are.
  steps: steps.map(([{ extra, type, ...step }, deps], i) => ({ id: ids[i]!, ...step, ...(i === 3 && extra !== undefined ? { extra } : {}), ...(i === 4 ? { type } : {}), dependsOn: deps.filter((d) => d < ids[i]!) })),
}));

const at = (issues: readonly ValidationIssue[], i: number, field?: string) =>
  issues.filter((issue) => issue.path[0] === 'steps' && issue.path[1] === i && (field === undefined || issue.path[2] === field || (field === 'rollback.args' && issue.path[2] === 'rollback' && issue.path[3] === 'args')));

describe('validatePlan agrees with zod on every step and every tool argument', () => {
  it('on random valid and broken steps', () => {
    let valid = 0;
    fc.assert(
      fc.property(plan, (document) => {
        const result = validatePlan(document, { tools });
        const issues = result.ok ? [] : result.issues;
        if (result.ok) valid++;
        document.steps.forEach((raw, i) => {
          const zod = StepSchema.safeParse(raw);
          if (!zod.success) {
            expect(at(issues, i).length, `step ${JSON.stringify(raw)} has issues`).toBeGreaterThan(0);
            return;
          }
          if (result.ok) expect(result.plan.steps[i]).toStrictEqual(zod.data);
          const step = zod.data;
          if (step.type === 'llm_query' || step.type === 'condition') return;
          const check = (tool: string, value: Record<string, unknown>, field: string) => {
            const schema = tools.get(tool)?.inputSchema;
            if (!schema || JSON.stringify(value).includes('{{')) return; // unknown tools and templates have their own rules
            const reported = at(issues, i, field).filter((issue) => issue.code === 'invalid_args');
            expect(reported.length > 0, `${field} ${JSON.stringify(value)}: ${JSON.stringify(reported)}`).toBe(!schema.safeParse(value).success);
          };
          check(step.tool, step.args, 'args');
          if (step.rollback) check(step.rollback.tool, step.rollback.args, 'rollback.args');
        });
      }),
      { numRuns: 1500, seed: 14 },
    );
    expect(valid).toBeGreaterThan(100);
  });
});
