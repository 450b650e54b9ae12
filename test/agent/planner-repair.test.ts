import { APICallError } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_REPAIRS, planGoal, PlanningError } from '../../src/agent/index.js';
import { lastUserPrompt, promptText, scriptedModel } from '../helpers/mock-model.js';
import { BAD_ARGS_PLAN, BAD_CEL_PLAN, CYCLIC_PLAN, HALLUCINATED_TOOL_PLAN, json, parsed, tools, VALID_PLAN, wideParallelPlan } from '../helpers/agent-fixtures.js';

// The planner's loop: every validation problem, with its path, goes back to
// the model; after the allowed repairs it fails listing what is left.

describe('planGoal: a valid first answer', () => {
  it('returns the plan with defaults applied, after one model call', async () => {
    const model = scriptedModel([json(VALID_PLAN)]);
    const result = await planGoal('build and check the app', { model, tools });
    expect(result.plan).toEqual(parsed(VALID_PLAN));
    expect(result.attempts).toBe(1);
    expect(result.repairs).toEqual([]);
    expect(result.totalTokens).toBe(15);
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it('sends the instructions with every tool, the levels its steps can get (as ksa tools says) and its arguments, the history, the goal and the workspace facts', async () => {
    const model = scriptedModel([json(VALID_PLAN)]);
    await planGoal('deploy ./shop', {
      model,
      tools,
      context: 'Workspace: /srv/shop\n- package.json: scripts: build, start',
      history: [
        { role: 'user', content: 'earlier question' },
        { role: 'assistant', content: 'earlier answer' },
      ],
    });
    const call = model.doGenerateCalls[0]!;
    const system = call.prompt.find((message) => message.role === 'system');
    expect(system?.content).toContain('You are the planner of KubeStack AI');
    for (const tool of tools.list()) expect(system?.content).toContain(`- ${tool.name} (steps: `);
    expect(system?.content).toContain('- shell (steps: read, write or destroy, by the command line): Run a shell command');
    expect(system?.content).toContain('- read_file (steps: read): ');
    expect(system?.content).toContain('- helm_upgrade (steps: write): ');
    expect(system?.content).not.toMatch(/risk (high|medium|low)/);
    expect(system?.content).toContain('"command"');
    expect(system?.content).toContain('at most 20 steps');
    const text = promptText(call);
    expect(text.indexOf('earlier question')).toBeLessThan(text.indexOf('earlier answer'));
    expect(text.indexOf('earlier answer')).toBeLessThan(text.indexOf('Goal: deploy ./shop'));
    expect(lastUserPrompt(call)).toContain('Goal: deploy ./shop');
    expect(lastUserPrompt(call)).toContain('- package.json: scripts: build, start');
    // Structured output: a JSON response format with the plan schema.
    expect(call.responseFormat).toMatchObject({ type: 'json', name: 'plan' });
    expect(JSON.stringify(call.responseFormat)).toContain('"steps"');
  });
});

describe('planGoal: repair rounds', () => {
  it('a cycle, then a valid plan: the second call carries the cycle with its path and the rejected answer', async () => {
    const model = scriptedModel([json(CYCLIC_PLAN), json(VALID_PLAN)]);
    const onRepair = vi.fn();
    const result = await planGoal('build', { model, tools, onRepair });

    expect(result.attempts).toBe(2);
    expect(result.plan.goal).toBe(VALID_PLAN.goal);
    expect(result.repairs).toHaveLength(1);
    expect(result.repairs[0]).toEqual([expect.stringMatching(/^steps\[0\]\.dependsOn: dependency cycle: a -> b -> a/)]);
    expect(onRepair).toHaveBeenCalledOnce();
    expect(onRepair).toHaveBeenCalledWith(1, result.repairs[0]);
    expect(result.totalTokens).toBe(30);

    const second = model.doGenerateCalls[1]!;
    const repair = lastUserPrompt(second);
    expect(repair).toContain('The plan was rejected by validation');
    expect(repair).toContain('- steps[0].dependsOn: dependency cycle: a -> b -> a');
    // The model sees what it answered before the problems.
    const assistant = second.prompt.filter((message) => message.role === 'assistant');
    expect(JSON.stringify(assistant)).toContain('\\"dependsOn\\":[\\"b\\"]');
    // The goal is still there.
    expect(promptText(second)).toContain('Goal: build');
  });

  it.each([
    ['a hallucinated tool', HALLUCINATED_TOOL_PLAN, 'steps[0].tool: unknown tool "deploy_app"; available: docker, helm, helm_rollback, helm_upgrade, http, k8s_apply, k8s_diff, k8s_port_forward, k8s_rollback, k8s_rollout_status, kubectl, podman, read_file, shell, sleep, write_file'],
    ['bad arguments', BAD_ARGS_PLAN, 'steps[0].args.cmd: unknown argument "cmd" (did you mean "cwd"?) (tool "shell")'],
    ['a CEL expression that does not compile', BAD_CEL_PLAN, 'steps[1].when: expression "steps.build.output.exitCode ==" does not compile'],
    ['more than 20 steps', wideParallelPlan(21), 'steps: the plan has 21 steps; the limit is 20'],
    [
      'a template reading an unknown step',
      { goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'echo {{ steps.nope.output.stdout }}' } }] },
      'steps[0].args.command: "steps.nope.output.stdout" references unknown step "nope"',
    ],
  ])('%s is caught and sent back with its path', async (_name, bad, problem) => {
    const model = scriptedModel([json(bad), json(VALID_PLAN)]);
    const result = await planGoal('goal', { model, tools });
    expect(result.attempts).toBe(2);
    expect(result.repairs[0]!.some((line) => line.startsWith(problem))).toBe(true);
    expect(lastUserPrompt(model.doGenerateCalls[1]!)).toContain(problem);
  });

  it('20 independent steps are accepted (the limit is inclusive)', async () => {
    const model = scriptedModel([json(wideParallelPlan(20))]);
    const result = await planGoal('goal', { model, tools });
    expect(result.plan.steps).toHaveLength(20);
  });

  it('maxSteps narrows the limit, and the instructions say so', async () => {
    const model = scriptedModel([json(wideParallelPlan(3)), json(wideParallelPlan(2))]);
    const result = await planGoal('goal', { model, tools, maxSteps: 2 });
    expect(result.repairs[0]).toEqual(['steps: the plan has 3 steps; the limit is 2 (plans ksa writes are kept to 2 steps: merge small steps, or split the goal into parts; a longer plan in a file runs with ksa run <file> --max-steps <n>)']);
    expect(promptText(model.doGenerateCalls[0]!)).toContain('at most 2 steps');
  });

  it('always invalid: fails after 1 + DEFAULT_MAX_REPAIRS calls, listing the remaining problems', async () => {
    const model = scriptedModel([json(HALLUCINATED_TOOL_PLAN)]);
    const onRepair = vi.fn();
    const error = await planGoal('deploy', { model, tools, onRepair }).catch((caught: unknown) => caught);
    // Each announced repair is one that was asked for: none after the last answer.
    expect(onRepair.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(error).toBeInstanceOf(PlanningError);
    const failure = error as PlanningError;
    expect(DEFAULT_MAX_REPAIRS).toBe(3);
    expect(model.doGenerateCalls).toHaveLength(DEFAULT_MAX_REPAIRS + 1);
    expect(failure.attempts).toBe(4);
    expect(failure.problems).toEqual([expect.stringContaining('steps[0].tool: unknown tool "deploy_app"')]);
    expect(failure.message.split('\n')[0]).toBe('the model did not produce a valid plan after 4 attempts; remaining problems:');
    expect(failure.message).toContain('\n  steps[0].tool: unknown tool "deploy_app"');
    // Every repair request carries the problems of the answer just before it.
    for (const call of model.doGenerateCalls.slice(1)) expect(lastUserPrompt(call)).toContain('unknown tool "deploy_app"');
  });

  it('maxRepairs bounds the calls; 0 means no repair at all', async () => {
    const twice = scriptedModel([json(CYCLIC_PLAN)]);
    await expect(planGoal('g', { model: twice, tools, maxRepairs: 1 })).rejects.toMatchObject({ attempts: 2 });
    expect(twice.doGenerateCalls).toHaveLength(2);

    const once = scriptedModel([json(CYCLIC_PLAN)]);
    await expect(planGoal('g', { model: once, tools, maxRepairs: 0 })).rejects.toThrow('after 1 attempt;');
    expect(once.doGenerateCalls).toHaveLength(1);
  });

  it('the problems reported are those of the last answer, not the first', async () => {
    const model = scriptedModel([json(CYCLIC_PLAN), json(BAD_ARGS_PLAN)]);
    const error = (await planGoal('g', { model, tools, maxRepairs: 1 }).catch((caught: unknown) => caught)) as PlanningError;
    expect(error.problems.join('\n')).toContain('unknown argument "cmd"');
    expect(error.problems.join('\n')).not.toContain('cycle');
  });

  it('a failed model call is not a repair: it propagates at once', async () => {
    const unauthorized = new APICallError({ message: 'Incorrect API key', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode: 401, isRetryable: false });
    const model = scriptedModel([unauthorized]);
    const onRepair = vi.fn();
    await expect(planGoal('g', { model, tools, maxRetries: 0, onRepair })).rejects.toBe(unauthorized);
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(onRepair).not.toHaveBeenCalled();
  });

  it('an aborted signal stops planning', async () => {
    const controller = new AbortController();
    const model = scriptedModel([
      () => {
        controller.abort();
        return json(CYCLIC_PLAN);
      },
    ]);
    const error = await planGoal('g', { model, tools, abortSignal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(PlanningError);
    expect((error as Error).name).toBe('AbortError');
    expect(model.doGenerateCalls).toHaveLength(2);
  });
});
