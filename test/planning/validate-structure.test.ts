import { describe, expect, it } from 'vitest';
import { formatIssue, formatPath, planJsonSchema, PlanValidationError } from '../../src/planning/index.js';
import { issuesOf, linesOf, shell, validate } from '../helpers/catalog.js';

describe('validatePlan: the document', () => {
  it('accepts a valid plan and returns it with defaults applied', () => {
    const result = validate({
      goal: 'Deploy',
      inputs: { port: 8080 },
      steps: [shell('install'), { id: 'ask', type: 'llm_query', prompt: 'Summarize {{ steps.install.output.stdout }}', dependsOn: ['install'] }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.issues).toEqual([]);
    expect(result.plan.steps[0]).toMatchObject({ id: 'install', dependsOn: [], args: { command: 'echo install' } });
    expect(result.plan.inputs).toEqual({ port: 8080 });
  });

  it.each([['a string'], [[]], [null], [42]])('rejects a document that is not an object (%j)', (document) => {
    const issues = issuesOf(document);
    expect(issues).toEqual([{ code: 'invalid_document', path: [], message: expect.stringContaining('"goal" and "steps"') }]);
  });

  it('an empty plan (no steps)', () => {
    const issues = issuesOf({ goal: 'g', steps: [] });
    expect(issues).toEqual([{ code: 'invalid_field', path: ['steps'], message: expect.stringContaining('at least one step') }]);
  });

  it('steps missing or not a list', () => {
    expect(issuesOf({ goal: 'g' })).toEqual([expect.objectContaining({ path: ['steps'], message: expect.stringContaining('required') })]);
    expect(issuesOf({ goal: 'g', steps: 'x' })[0]!.path).toEqual(['steps']);
  });

  it('missing goal', () => {
    expect(linesOf({ steps: [shell('a')] })).toEqual(['goal: is required (string)']);
  });

  it('blank goal', () => {
    expect(linesOf({ goal: '   ', steps: [shell('a')] })).toEqual(['goal: must not be empty']);
  });

  it('duplicate ids, pointing at the second one and naming the first', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a'), shell('b'), shell('a')] });
    expect(issues).toEqual([{ code: 'duplicate_id', path: ['steps', 2, 'id'], message: expect.stringContaining('duplicate step id "a"') }]);
    expect(issues[0]!.message).toContain('steps[0]');
  });

  it.each(['Build', 'my step', '-lead', '_lead', 'a'.repeat(64), 'ü', ''])('bad id %j', (id) => {
    const issues = issuesOf({ goal: 'g', steps: [shell(id)] });
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_field', path: ['steps', 0, 'id'] })]);
    expect(issues[0]!.message).toContain('^[a-z0-9][a-z0-9_-]{0,62}$');
  });

  it.each(['a', '0', 'deploy-web', 'x_1', 'a'.repeat(63)])('good id %j', (id) => {
    expect(validate({ goal: 'g', steps: [shell(id)] }).ok).toBe(true);
  });

  it('unknown field at plan level', () => {
    expect(issuesOf({ goal: 'g', steps: [shell('a')], stpes: [] })).toEqual([
      { code: 'unknown_field', path: ['stpes'], message: 'unknown field "stpes" (did you mean "steps"?)' },
    ]);
  });

  it('a top-level "$schema" string (an editor\'s hint, as in a JSON plan) is accepted and left out of the plan; another kind of value is a problem', () => {
    const result = validate({ $schema: './plan.schema.json', goal: 'g', steps: [shell('a')] });
    expect(result.ok).toBe(true);
    expect(result.plan).not.toHaveProperty('$schema');
    expect(issuesOf({ $schema: 5, goal: 'g', steps: [shell('a')] })).toEqual([
      { code: 'invalid_field', path: ['$schema'], message: "must be a string: the URL or path of the plan's JSON Schema (ksa schema writes it)" },
    ]);
    const schema = planJsonSchema() as { properties: Record<string, unknown>; additionalProperties?: unknown };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.$schema).toEqual(expect.objectContaining({ type: 'string' }));
  });

  it('unknown field at step level', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a', { retries: 3 })] });
    expect(issues).toEqual([{ code: 'unknown_field', path: ['steps', 0, 'retries'], message: expect.stringContaining('unknown field "retries"') }]);
  });

  it('`tool` on an llm_query step is an unknown field, with a hint of what llm_query takes', () => {
    const issues = issuesOf({ goal: 'g', steps: [{ id: 'q', type: 'llm_query', prompt: 'hi', tool: 'shell' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'unknown_field', path: ['steps', 0, 'tool'] });
    expect(issues[0]!.message).toMatch(/unknown field "tool".*llm_query steps take .*prompt/);
  });

  it('`args` on a condition step is an unknown field, with a hint', () => {
    const issues = issuesOf({ goal: 'g', steps: [{ id: 'c', type: 'condition', when: 'true', args: {} }] });
    expect(issues[0]!.message).toMatch(/unknown field "args".*condition steps take only/);
  });

  it('unknown fields in retry and rollback', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a', { retry: { maxAttempts: 2, delay: 5 }, rollback: { tool: 'shell', args: { command: 'x' }, when: 'x' } })] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_field', ['steps', 0, 'retry', 'delay']],
      ['unknown_field', ['steps', 0, 'rollback', 'when']],
    ]);
  });

  it('a field in the wrong object says where it belongs, never "did you mean" itself', () => {
    const lines = linesOf({
      goal: 'g',
      steps: [
        shell('a', {
          maxAttempts: 3,
          retry: { maxAttempts: 2, retry: 1, delay: 5 },
          rollback: { tool: 'shell', args: { command: 'x' }, retry: { maxAttempts: 2 }, tmeoutMs: 5 },
        }),
      ],
    });
    expect(lines).toEqual([
      'steps[0].retry.retry: unknown field "retry" (retry belongs in the step, not in the step\'s retry); the step\'s retry takes maxAttempts, initialDelayMs, multiplier and maxDelayMs',
      'steps[0].retry.delay: unknown field "delay"; the step\'s retry takes maxAttempts, initialDelayMs, multiplier and maxDelayMs',
      'steps[0].rollback.retry: unknown field "retry" (retry belongs in the step, not in the step\'s rollback); the step\'s rollback takes tool, args and timeoutMs',
      'steps[0].rollback.tmeoutMs: unknown field "tmeoutMs" (did you mean "timeoutMs"?)',
      'steps[0].maxAttempts: unknown field "maxAttempts" (maxAttempts belongs in the step\'s retry, not in the step)',
    ]);
    for (const line of lines) {
      const [, key] = /unknown field "([^"]+)"/.exec(line)!;
      expect(line).not.toContain(`did you mean "${key}"`);
    }
  });

  it("an unknown field in runsOn (a step's or the plan's) is matched against runsOn's own fields, never the step's", () => {
    const lines = linesOf({
      goal: 'g',
      runsOn: { labels: ['web'], step: 1, eachh: true },
      steps: [shell('a', { runsOn: { labels: ['web'], each: true, foo: 1, label: ['x'], retry: 2 } })],
    });
    expect(lines).toEqual([
      'runsOn.step: unknown field "step"; the plan\'s runsOn takes labels and each',
      'runsOn.eachh: unknown field "eachh" (did you mean "each"?)',
      'steps[0].runsOn.foo: unknown field "foo"; the step\'s runsOn takes labels and each',
      'steps[0].runsOn.label: unknown field "label" (did you mean "labels"?)',
      'steps[0].runsOn.retry: unknown field "retry" (retry belongs in the step, not in the step\'s runsOn); the step\'s runsOn takes labels and each',
    ]);
    // runsOn's fields, found elsewhere in the step, say where they belong.
    expect(linesOf({ goal: 'g', steps: [shell('a', { labels: ['web'], retry: { maxAttempts: 2, each: true } })] })).toEqual([
      'steps[0].retry.each: unknown field "each" (each belongs in the step\'s runsOn, not in the step\'s retry); the step\'s retry takes maxAttempts, initialDelayMs, multiplier and maxDelayMs',
      'steps[0].labels: unknown field "labels" (labels belongs in the step\'s runsOn, not in the step)',
    ]);
  });

  it('a misspelled labels in runsOn is named as well as missing (a step\'s and the plan\'s)', () => {
    const lines = linesOf({ goal: 'g', runsOn: { lables: ['web'] }, steps: [shell('a', { runsOn: { lables: ['web'], each: true } })] });
    expect(lines).toEqual([
      'runsOn.labels: is required (array)',
      'runsOn.lables: unknown field "lables" (did you mean "labels"?)',
      'steps[0].runsOn.labels: is required (array)',
      'steps[0].runsOn.lables: unknown field "lables" (did you mean "labels"?)',
    ]);
  });

  it('unknown step type', () => {
    const issues = issuesOf({ goal: 'g', steps: [{ id: 'x', type: 'shell_command', tool: 'shell' }] });
    expect(issues).toEqual([{ code: 'invalid_field', path: ['steps', 0, 'type'], message: expect.stringContaining('unknown step type') }]);
    expect(issues[0]!.message).toMatch(/tool_call.*llm_query.*condition/);
  });

  it('a tool_call step without tool, an llm_query without prompt, a condition without when', () => {
    expect(linesOf({ goal: 'g', steps: [{ id: 'a' }, { id: 'b', type: 'llm_query' }, { id: 'c', type: 'condition' }] })).toEqual([
      'steps[0].tool: is required (string)',
      'steps[1].prompt: is required (string)',
      'steps[2].when: is required (string)',
    ]);
  });

  it('bad field values: retry.maxAttempts 0, negative timeoutMs, a string for maxParallel', () => {
    const issues = issuesOf({ goal: 'g', maxParallel: 5, steps: [shell('a', { retry: { maxAttempts: 0 }, timeoutMs: -1, name: 7 })] });
    expect(issues.map((i) => formatPath(i.path)).sort()).toEqual(['steps[0].name', 'steps[0].retry.maxAttempts', 'steps[0].timeoutMs']);
    const at = (path: string) => issues.find((i) => formatPath(i.path) === path)!.message;
    expect(at('steps[0].retry.maxAttempts')).toMatch(/>=\s?1/);
    expect(at('steps[0].timeoutMs')).toMatch(/>=\s?1/);
    expect(at('steps[0].name')).toBe('expected string, got number 7');
  });

  it('waits longer than a timer can hold (2^31 - 1 ms) are refused: such a timer would fire at once', () => {
    const tooLong = 3_000_000_000;
    const issues = issuesOf({
      goal: 'g',
      steps: [
        shell('a', { timeoutMs: tooLong }),
        shell('b', { retry: { maxAttempts: 3, initialDelayMs: tooLong, maxDelayMs: tooLong } }),
        shell('c', { rollback: { tool: 'shell', args: { command: 'x' }, timeoutMs: tooLong } }),
        shell('d', { timeoutMs: 2_147_483_647, retry: { maxAttempts: 2, initialDelayMs: 2_147_483_647, maxDelayMs: 2_147_483_647 } }),
      ],
    });
    expect(issues.map((i) => formatPath(i.path)).sort()).toEqual(['steps[0].timeoutMs', 'steps[1].retry.initialDelayMs', 'steps[1].retry.maxDelayMs', 'steps[2].rollback.timeoutMs']);
    for (const issue of issues) expect(issue.message).toBe('at most 2147483647 ms (about 24 days), the longest wait a timer can have');
  });

  it('a plan-level field of the wrong type says what it got, not "is required"', () => {
    expect(linesOf({ goal: 'g', maxParallel: 'four', steps: [shell('a')] })).toEqual(['maxParallel: expected number, got string "four"']);
    expect(linesOf({ goal: 42, steps: [shell('a')] })).toEqual(['goal: expected string, got number 42']);
  });

  it('a number too large for a double (1e400 in the file) is named so, not "number Infinity"', () => {
    expect(linesOf({ goal: 'g', steps: [{ ...shell('a'), timeoutMs: Infinity }] })).toEqual(['steps[0].timeoutMs: expected number, got infinity (.inf, or a number past 1.8e308), which is no finite number']);
  });

  it('a step with an unknown field still has its expressions checked', () => {
    const issues = issuesOf({ goal: 'g', inputs: { port: 1 }, steps: [{ id: 'ask', type: 'llm_query', prompt: 'about {{ inputs.prot }}', tool: 'shell' }] });
    expect(issues.map((i) => i.code)).toEqual(['unknown_field', 'unknown_input']);
  });

  it('a step with a bad id still has its tool and arguments checked', () => {
    expect(linesOf({ goal: 'g', steps: [{ id: 'A', tool: 'nosuchtool' }] })).toEqual([
      expect.stringMatching(/^steps\[0\]\.id: must match/),
      expect.stringMatching(/^steps\[0\]\.tool: unknown tool "nosuchtool"/),
    ]);
    expect(linesOf({ goal: 'g', steps: [{ id: 'A', tool: 'shell', args: {} }] })).toEqual([
      expect.stringMatching(/^steps\[0\]\.id: must match/),
      'steps[0].args.command: is required (string) (tool "shell")',
    ]);
  });

  it('a step with a bad id is still the step its dependents name, with nothing made up about it', () => {
    const issues = issuesOf({
      goal: 'g',
      steps: [
        { id: 'Build', tool: 'shell', args: { command: 'make' } },
        { id: 'test', tool: 'shell', args: { command: 'echo {{ steps.Build.output.stdout }}' }, dependsOn: ['Build'] },
      ],
    });
    expect(issues.map(formatIssue)).toEqual([expect.stringMatching(/^steps\[0\]\.id: must match/)]);
  });

  it('a bad optional field does not hide the step\'s other problems', () => {
    const issues = issuesOf({ goal: 'g', steps: [{ id: 'a', tool: 'nosuch', timeoutMs: -1, retry: { maxAttempts: 0 } }] });
    expect(issues.map((i) => [formatPath(i.path), i.code])).toEqual([
      ['steps[0].retry.maxAttempts', 'invalid_field'],
      ['steps[0].timeoutMs', 'invalid_field'],
      ['steps[0].tool', 'unknown_tool'],
    ]);
  });

  it('more than 200 steps is an error; maxSteps raises the limit', () => {
    const steps = Array.from({ length: 201 }, (_, i) => shell(`s${i}`));
    const issues = issuesOf({ goal: 'g', steps });
    expect(issues).toEqual([{ code: 'too_many_steps', path: ['steps'], message: expect.stringContaining('201 steps; the limit is 200') }]);
    expect(issues[0]!.message).toContain('--max-steps');
    expect(validate({ goal: 'g', steps: steps.slice(0, 200) }).ok).toBe(true);
    expect(validate({ goal: 'g', steps }, { maxSteps: 500 }).ok).toBe(true);
    expect(issuesOf({ goal: 'g', steps: steps.slice(0, 11) }, { maxSteps: 10 })[0]!.code).toBe('too_many_steps');
  });

  it('reports many problems at once, in step order, plan-level first', () => {
    const document = {
      goal: '',
      extra: true,
      steps: [
        shell('build'),
        { id: 'Bad Id', tool: 'shell', args: { command: 'x' } },
        shell('build'),
        { id: 'test', tool: 'shel', args: { command: 'x' }, dependsOn: ['biuld'] },
        { id: 'ask', type: 'llm_query', prompt: 'hi', tool: 'shell' },
        { id: 'deploy', tool: 'sleep', args: { ms: 'soon' }, when: 'steps.test.output.exitCode ==', dependsOn: ['test'] },
      ],
    };
    const issues = issuesOf(document, { });
    expect(issues.map((i) => i.code)).toEqual([
      'invalid_field', // goal
      'unknown_field', // extra
      'invalid_field', // steps[1].id
      'duplicate_id', // steps[2]
      'unknown_dependency', // steps[3]
      'unknown_tool', // steps[3]
      'unknown_field', // steps[4]
      'invalid_expression', // steps[5].when
      'invalid_args', // steps[5].args.ms
    ]);
    expect(issues.length).toBeGreaterThanOrEqual(5);
    expect(issues.map(formatIssue)).toContain('steps[3].dependsOn[0]: unknown step "biuld" (did you mean "build"?)');
  });

  it('PlanValidationError lists every issue on its own line', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a', { dependsOn: ['missing'] }), shell('a')] });
    const error = new PlanValidationError({ issues, source: 'plan.yaml' });
    expect(error.name).toBe('PlanValidationError');
    expect(error.message.split('\n')).toEqual([
      'plan.yaml: the plan has 2 problems:',
      '  steps[0].dependsOn[0]: unknown step "missing"',
      '  steps[1].id: duplicate step id "a" (already used by steps[0])',
    ]);
  });
});

describe('formatPath / formatIssue', () => {
  it('formats paths like JavaScript accessors', () => {
    expect(formatPath(['steps', 3, 'dependsOn', 0])).toBe('steps[3].dependsOn[0]');
    expect(formatPath(['inputs', 'my key'])).toBe('inputs["my key"]');
    expect(formatPath(['steps', 0, 'args', 'X-Header'])).toBe('steps[0].args["X-Header"]');
    expect(formatPath([])).toBe('(plan)');
    expect(formatPath(['goal'])).toBe('goal');
  });

  it('formats an issue as `path: message`', () => {
    expect(formatIssue({ code: 'unknown_dependency', path: ['steps', 3, 'dependsOn', 0], message: 'unknown step "biuld" (did you mean "build"?)' })).toBe(
      'steps[3].dependsOn[0]: unknown step "biuld" (did you mean "build"?)',
    );
  });

  it('the contract example comes out exactly', () => {
    const steps = [shell('build'), shell('lint'), shell('unit'), shell('test', { dependsOn: ['biuld'] })];
    expect(linesOf({ goal: 'g', steps })).toEqual(['steps[3].dependsOn[0]: unknown step "biuld" (did you mean "build"?)']);
  });
});

describe('planJsonSchema', () => {
  it('is an object schema with goal and steps, generated from zod', () => {
    const schema = planJsonSchema() as { type: string; properties: Record<string, unknown>; required?: string[]; title: string; $id: string };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['goal', 'steps', 'inputs', 'maxParallel']));
    expect(schema.required).toEqual(expect.arrayContaining(['goal', 'steps']));
    expect(schema.title).toBe('KubeStack AI plan');
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('describes the three step types and rejects unknown fields', () => {
    const text = JSON.stringify(planJsonSchema());
    for (const word of ['tool_call', 'llm_query', 'condition', 'dependsOn', 'rollback', 'timeoutMs']) expect(text).toContain(word);
    expect((planJsonSchema() as { additionalProperties?: unknown }).additionalProperties).toBe(false);
  });
});
