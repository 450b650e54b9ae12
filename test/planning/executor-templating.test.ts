import { describe, expect, it } from 'vitest';
import { fakeModel } from '../helpers/fake-tools.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

describe('executor: templated arguments', () => {
  it('renders args from earlier outputs with typed values', async () => {
    const plan = {
      goal: 'g',
      steps: [
        toolStep('start'),
        toolStep('probe', ['start'], {
          args: {
            port: '{{ steps.start.output.port }}',
            url: 'http://{{ steps.start.output.host }}:{{ steps.start.output.port + 1 }}/x',
            meta: '{{ steps.start.output.meta }}',
            list: ['{{ steps.start.output.port }}', 'literal', 7],
            nested: { ok: '{{ steps.start.output.port > 8000 }}' },
            plain: 'no templates here',
          },
        }),
      ],
    };
    const { state, h } = await runPlan(plan, {
      tools: { steps: { start: { output: { port: 8080, host: 'localhost', meta: { tags: ['a'], n: 1.5 } } } } },
    });
    expect(state.status).toBe('succeeded');
    expect(h.tools.first('probe').args).toEqual({
      port: 8080,
      url: 'http://localhost:8081/x',
      meta: { tags: ['a'], n: 1.5 },
      list: [8080, 'literal', 7],
      nested: { ok: true },
      plain: 'no templates here',
    });
  });

  it('can read outputs of transitive ancestors, and their attempt counts', async () => {
    const plan = {
      goal: 'g',
      steps: [
        toolStep('a', [], { retry: { maxAttempts: 2, initialDelayMs: 1 } }),
        toolStep('b', ['a']),
        toolStep('c', ['b'], { args: { v: '{{ steps.a.output.v }}-{{ steps.a.attempts }}-{{ steps.a.status }}' } }),
      ],
    };
    const { h } = await runPlan(plan, { tools: { steps: { a: { failTimes: 1, output: { v: 'x' } } } } });
    expect(h.tools.first('c').args).toEqual({ v: 'x-2-succeeded' });
  });

  it('renders inputs, with options.inputs overriding and adding to the plan’s inputs', async () => {
    const plan = {
      goal: 'g',
      inputs: { port: 8080, name: 'web' },
      steps: [toolStep('run', [], { args: { port: '{{ inputs.port }}', next: '{{ inputs.port + 1 }}', label: '{{ inputs.name }}-{{ inputs.tag }}' } })],
    };
    const { state, h } = await runPlan(plan, { inputs: { port: 9090, tag: 'v2' } });
    expect(h.tools.first('run').args).toEqual({ port: 9090, next: 9091, label: 'web-v2' });
    expect(state.inputs).toEqual({ port: 9090, name: 'web', tag: 'v2' });
  });

  it('plan inputs are used when nothing overrides them', async () => {
    const plan = { goal: 'g', inputs: { port: 8080 }, steps: [toolStep('run', [], { args: { port: '{{ inputs.port + 1 }}' } })] };
    const { h } = await runPlan(plan);
    expect(h.tools.first('run').args).toEqual({ port: 8081 });
  });

  it('reads env from options.env', async () => {
    const plan = { goal: 'g', steps: [toolStep('run', [], { args: { home: '{{ env.APP_HOME }}/bin', when: '{{ env.MODE == "ci" }}' } })] };
    const { h } = await runPlan(plan, { env: { APP_HOME: '/opt/app', MODE: 'ci' } });
    expect(h.tools.first('run').args).toEqual({ home: '/opt/app/bin', when: true });
  });

  it('an args template that fails at run time fails the step and no tool is called', async () => {
    const plan = { goal: 'g', steps: [toolStep('a'), toolStep('b', ['a'], { args: { x: '{{ steps.a.output.nope }}' } })] };
    const { state, h } = await runPlan(plan, { tools: { steps: { a: { output: { yes: 1 } } } } });
    expect(state.status).toBe('failed');
    expect(state.steps.b!.error).toMatch(/nope/);
    expect(state.steps.b!.error!.split('\n')).toHaveLength(1);
    expect(h.tools.started()).toEqual(['a']);
  });

  it('a tool result of undefined is stored as null', async () => {
    const { state } = await runPlan({ goal: 'g', steps: [toolStep('a')] }, { invokeTool: async () => undefined });
    expect(state.steps.a!.output).toBeNull();
  });
});

describe('executor: llm_query steps', () => {
  it('call queryModel with the rendered prompt and store the text as the output', async () => {
    const clock = new VirtualClock();
    const model = fakeModel(clock, (prompt) => `summary of ${prompt.length} chars`, 20);
    const plan = {
      goal: 'g',
      steps: [
        toolStep('build', [], {}),
        { id: 'summarize', type: 'llm_query' as const, prompt: 'Summarize: {{ steps.build.output.log }}', dependsOn: ['build'] },
        toolStep('post', ['summarize'], { args: { text: '{{ steps.summarize.output }}' } }),
      ],
    };
    const h = new Harness(plan, { clock, queryModel: model.queryModel, tools: { steps: { build: { ms: 10, output: { log: 'ok 42' } } } } });
    const state = await h.run();
    expect(state.status).toBe('succeeded');
    expect(model.prompts).toEqual([{ stepId: 'summarize', prompt: 'Summarize: ok 42', at: 10 }]);
    expect(state.steps.summarize!.output).toBe('summary of 16 chars');
    expect(h.tools.first('post').args).toEqual({ text: 'summary of 16 chars' });
    expect(clock.elapsed).toBe(40);
  });

  it('a prompt that is one template of an object value is sent as JSON text"]', async () => {
    const plan = {
      goal: 'g',
      steps: [toolStep('a'), { id: 'ask', type: 'llm_query' as const, prompt: '{{ steps.a.output }}', dependsOn: ['a'] }],
    };
    const prompts: string[] = [];
    await runPlan(plan, {
      tools: { steps: { a: { output: { pods: ['web-1'] } } } },
      queryModel: async ({ prompt }) => {
        prompts.push(prompt);
        return 'ok';
      },
    });
    expect(prompts).toEqual(['{"pods":["web-1"]}']);
  });

  it('without queryModel the step fails saying a model is needed', async () => {
    const plan = { goal: 'g', steps: [{ id: 'ask', type: 'llm_query' as const, prompt: 'hello' }] };
    const { state, h } = await runPlan(plan);
    expect(state.status).toBe('failed');
    expect(state.steps.ask!.status).toBe('failed');
    expect(state.steps.ask!.error).toContain('need a model');
    expect(h.of('step_failed')[0]!.error).toContain('need a model');
  });

  it('a failing model call is retried like a tool', async () => {
    let calls = 0;
    const plan = { goal: 'g', steps: [{ id: 'ask', type: 'llm_query' as const, prompt: 'hi', retry: { maxAttempts: 2, initialDelayMs: 5 } }] };
    const { state } = await runPlan(plan, {
      queryModel: async () => {
        if (++calls === 1) throw new Error('429 rate limited');
        return 'fine';
      },
    });
    expect(state.steps.ask).toMatchObject({ status: 'succeeded', attempts: 2, output: 'fine' });
  });
});
