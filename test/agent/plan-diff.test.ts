import { describe, expect, it } from 'vitest';
import { describePlanDiff, diffPlans, isEmptyDiff } from '../../src/agent/index.js';
import type { PlanInput } from '../../src/planning/index.js';
import { checkEditedPlan } from '../../src/agent/plan-diff.js';
import { parsed } from '../helpers/agent-fixtures.js';
import { catalog } from '../helpers/catalog.js';

type Doc = { goal: string; inputs?: Record<string, unknown>; maxParallel?: number; steps: Record<string, unknown>[] };

const BASE: Doc = {
  goal: 'Deploy the shop',
  inputs: { port: 8080 },
  maxParallel: 4,
  steps: [
    { id: 'install', tool: 'shell', args: { command: 'npm ci', cwd: 'shop' } },
    { id: 'test', tool: 'shell', args: { command: 'npm test', cwd: 'shop' }, dependsOn: ['install'] },
    { id: 'start', tool: 'shell', args: { command: 'npm start' }, dependsOn: ['test'], rollback: { tool: 'shell', args: { command: 'pkill -f shop' } } },
  ],
};

const plan = (doc: Doc) => parsed(doc as PlanInput);
const revise = (change: (doc: Doc) => Doc) => diffPlans(plan(BASE), plan(change(structuredClone(BASE))));

describe('diffPlans', () => {
  it('the same plan: an empty diff, described as "no changes"', () => {
    const diff = diffPlans(plan(BASE), plan(structuredClone(BASE)));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(describePlanDiff(diff)).toBe('no changes');
  });

  it('"skip the tests": the step is removed and its dependent now depends on install', () => {
    const diff = revise((doc) => ({ ...doc, steps: [doc.steps[0]!, { ...doc.steps[2]!, dependsOn: ['install'] }] }));
    expect(diff.removed).toEqual(['test']);
    expect(diff.added).toEqual([]);
    expect(diff.changed).toEqual([{ id: 'start', fields: ['dependsOn'] }]);
    expect(describePlanDiff(diff)).toBe('- test (removed)\n~ start: dependsOn');
  });

  it('"use port 9090": inputs and args are named key by key', () => {
    const diff = revise((doc) => ({
      ...doc,
      inputs: { port: 9090, host: 'localhost' },
      steps: [doc.steps[0]!, doc.steps[1]!, { ...doc.steps[2]!, args: { command: 'PORT=9090 npm start' } }],
    }));
    expect([...diff.inputs].sort()).toEqual(['host', 'port']);
    expect(diff.changed).toEqual([{ id: 'start', fields: ['args.command'] }]);
    expect(describePlanDiff(diff)).toBe('~ start: args.command\n~ inputs: port, host');
  });

  it('an added step, a new retry, a changed tool, a removed argument', () => {
    const diff = revise((doc) => ({
      ...doc,
      steps: [
        { ...doc.steps[0]!, args: { command: 'npm ci' }, retry: { maxAttempts: 3 } },
        { ...doc.steps[1]!, tool: 'kubectl', args: { args: ['apply', '-f', 'k8s'] } },
        doc.steps[2]!,
        { id: 'smoke', tool: 'http', args: { url: 'http://localhost:8080' }, dependsOn: ['start'] },
      ],
    }));
    expect(diff.added).toEqual(['smoke']);
    expect(diff.changed).toEqual([
      { id: 'install', fields: ['args.cwd', 'retry'] },
      { id: 'test', fields: ['tool', 'args.command', 'args.cwd', 'args.args'] },
    ]);
    expect(describePlanDiff(diff).split('\n')).toEqual(['+ smoke (new)', '~ install: args.cwd, retry', '~ test: tool, args.command, args.cwd, args.args']);
  });

  it('goal and maxParallel changes are reported', () => {
    const diff = revise((doc) => ({ ...doc, goal: 'Deploy the shop on 9090', maxParallel: undefined }));
    expect(diff.goal).toBe(true);
    expect(diff.maxParallel).toBe(true);
    expect(describePlanDiff(diff)).toBe('~ goal\n~ maxParallel');
  });

  it('a renamed step is a removal and an addition', () => {
    const diff = revise((doc) => ({ ...doc, steps: [doc.steps[0]!, { ...doc.steps[1]!, id: 'unit_tests' }, { ...doc.steps[2]!, dependsOn: ['unit_tests'] }] }));
    expect(diff.added).toEqual(['unit_tests']);
    expect(diff.removed).toEqual(['test']);
    expect(diff.changed).toEqual([{ id: 'start', fields: ['dependsOn'] }]);
  });

  it('reordering steps alone changes nothing', () => {
    const diff = revise((doc) => ({ ...doc, steps: [doc.steps[2]!, doc.steps[0]!, doc.steps[1]!] }));
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it('a step turned into an llm_query lists its changed fields', () => {
    const diff = revise((doc) => ({ ...doc, steps: [doc.steps[0]!, { id: 'test', type: 'llm_query', prompt: 'Are the tests needed?', dependsOn: ['install'] }, doc.steps[2]!] }));
    expect(diff.changed).toEqual([{ id: 'test', fields: ['tool', 'args', 'type', 'prompt'] }]);
  });
});

describe('checkEditedPlan (the chat\'s e)', () => {
  it('an edited step with a bad id and an unknown tool: both problems, to fix in one edit', () => {
    const edited = { goal: 'Deploy the shop', steps: [{ id: 'Bad Id', tool: 'nosuchtool' }] };
    const result = checkEditedPlan(plan(BASE), edited, catalog);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.stringMatching(/^steps\[0\]\.id: must match/), expect.stringMatching(/^steps\[0\]\.tool: unknown tool "nosuchtool"/)]);
  });
});
