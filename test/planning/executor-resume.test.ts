import { describe, expect, it } from 'vitest';
import type { RunState } from '../../src/planning/index.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';

const undo = (tool = 'undo') => ({ rollback: { tool, args: { pid: '{{ steps.build.output.pid }}' } } });

const plan = {
  goal: 'g',
  inputs: { port: 8080 },
  steps: [
    toolStep('build', [], { rollback: { tool: 'undo', args: { pid: '{{ steps.build.output.pid }}' } } }),
    toolStep('opt', [], { when: 'false' }),
    toolStep('deploy', ['build', 'opt'], { args: { pid: '{{ steps.build.output.pid }}', port: '{{ inputs.port }}' } }),
    toolStep('verify', ['deploy']),
  ],
};

/** A run interrupted while "deploy" was running: build succeeded, opt skipped. */
async function interruptedState(): Promise<RunState> {
  const h = new Harness(plan, { tools: { steps: { build: { ms: 10, output: { pid: 77 } }, deploy: { hang: true } } } });
  const start = h.execution.start();
  await h.clock.advanceTo(15);
  expect(h.execution.state.steps.deploy!.status).toBe('running');
  const saved = JSON.parse(JSON.stringify(h.execution.state)) as RunState;
  h.execution.cancel();
  await h.clock.run(start);
  saved.status = 'interrupted';
  return saved;
}

describe('executor: resumeFrom', () => {
  it('does not run succeeded or skipped steps again; their outputs still feed templates', async () => {
    const saved = await interruptedState();
    expect(saved.steps.build!.status).toBe('succeeded');
    const { state, h } = await runPlan(plan, { resumeFrom: saved });
    expect(state.status).toBe('succeeded');
    expect(h.tools.started()).toEqual(['deploy', 'verify']);
    expect(h.tools.first('deploy').args).toEqual({ pid: 77, port: 8080 });
    expect(state.steps.build).toMatchObject({ status: 'succeeded', output: { pid: 77 }, attempts: 1 });
    expect(state.steps.opt!.status).toBe('skipped');
    expect(state.steps.deploy).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(state.completed).toEqual(['build', 'deploy', 'verify']);
  });

  it('keeps the saved run id and start time, and says it resumed', async () => {
    const saved = await interruptedState();
    saved.runId = 'saved-run';
    const { state, h } = await runPlan(plan, { resumeFrom: saved, runId: 'other' });
    expect(state.runId).toBe('saved-run');
    expect(state.startedAt).toBe(saved.startedAt);
    expect(h.of('run_started')).toEqual([expect.objectContaining({ resumed: true, runId: 'saved-run', stepCount: 4 })]);
    expect(h.events.every((e) => e.runId === 'saved-run')).toBe(true);
    expect(state.error).toBeUndefined();
  });

  it('a later failure still rolls back steps that succeeded before the resume', async () => {
    const saved = await interruptedState();
    const { state, h } = await runPlan(plan, { resumeFrom: saved, tools: { steps: { verify: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(state.failedStepId).toBe('verify');
    expect(h.tools.started('rollback')).toEqual(['build']);
    expect(h.tools.callsOf('build', 'rollback')[0]!.args).toEqual({ pid: 77 });
    expect(state.steps.build!.status).toBe('rolled_back');
  });

  it('a step that was running when the run stopped is run again from attempt 1', async () => {
    const saved = await interruptedState();
    const { state } = await runPlan(plan, { resumeFrom: saved });
    expect(state.steps.deploy!.attempts).toBe(1);
    expect(state.steps.deploy!.error).toBeUndefined();
  });

  it('a step waiting for its retry keeps the attempts it used: its next attempt is the last of maxAttempts, not a fresh budget', async () => {
    const retrying = { goal: 'g', steps: [toolStep('flaky', [], { retry: { maxAttempts: 2, initialDelayMs: 4000 } })] };
    const h = new Harness(retrying, { tools: { steps: { flaky: { fail: true } } } });
    const start = h.execution.start();
    await h.clock.advanceTo(100);
    expect(h.execution.state.steps.flaky).toMatchObject({ status: 'running', attempts: 1, retryAt: expect.any(String) });
    const saved = JSON.parse(JSON.stringify(h.execution.state)) as RunState;
    h.execution.cancel();
    await h.clock.run(start);
    saved.status = 'interrupted';

    const { state, h: resumed } = await runPlan(retrying, { resumeFrom: saved, tools: { steps: { flaky: { fail: true } } } });
    expect(state.status).toBe('failed');
    expect(resumed.tools.callsOf('flaky')).toHaveLength(1);
    expect(resumed.of('step_started')).toEqual([expect.objectContaining({ stepId: 'flaky', attempt: 2 })]);
    expect(state.steps.flaky).toMatchObject({ status: 'failed', attempts: 2, startedAt: saved.steps.flaky!.startedAt });
  });

  it('an attempt cut short runs again under its own number, with the attempts after it still to come', async () => {
    const retrying = { goal: 'g', steps: [toolStep('flaky', [], { retry: { maxAttempts: 3, initialDelayMs: 10 } })] };
    // Attempt 1 fails at 50 ms, attempt 2 starts at 60 ms: the stop comes in the middle of it.
    const h = new Harness(retrying, { tools: { steps: { flaky: { fail: true, ms: 50 } } } });
    const start = h.execution.start();
    await h.clock.advanceTo(80);
    expect(h.execution.state.steps.flaky).toMatchObject({ status: 'running', attempts: 2 });
    const saved = JSON.parse(JSON.stringify(h.execution.state)) as RunState;
    h.execution.cancel();
    await h.clock.run(start);
    saved.status = 'interrupted';

    const { state, h: resumed } = await runPlan(retrying, { resumeFrom: saved, tools: { steps: { flaky: { fail: true } } } });
    expect(resumed.of('step_started').map((event) => (event as { attempt: number }).attempt)).toEqual([2, 3]);
    expect(state.steps.flaky).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('input overrides given on resume apply', async () => {
    const saved = await interruptedState();
    const { h } = await runPlan(plan, { resumeFrom: saved, inputs: { port: 9999 } });
    expect(h.tools.first('deploy').args).toEqual({ pid: 77, port: 9999 });
  });

  it('does not change the saved state object it was given', async () => {
    const saved = await interruptedState();
    const copy = structuredClone(saved);
    await runPlan(plan, { resumeFrom: saved });
    expect(saved).toEqual(copy);
  });

  it('a fully finished saved state succeeds at once without calling any tool', async () => {
    const first = await runPlan(plan, { tools: { steps: { build: { output: { pid: 5 } } } } });
    expect(first.state.status).toBe('succeeded');
    const { state, h } = await runPlan(plan, { resumeFrom: first.state });
    expect(state.status).toBe('succeeded');
    expect(h.tools.calls).toHaveLength(0);
    expect(h.trace()).toEqual(['run_started', 'run_finished']);
  });

  it('a failed and rolled-back run can be resumed: rolled-back and failed steps run again', async () => {
    const plan = {
      goal: 'g',
      steps: [
        toolStep('build', [], undo()),
        toolStep('deploy', ['build'], { args: { pid: '{{ steps.build.output.pid }}' }, ...undo() }),
        toolStep('verify', ['deploy']),
      ],
    };
    const failed = await runPlan(plan, { tools: { steps: { build: { output: { pid: 1 } }, verify: { fail: true } } } });
    expect(failed.state.status).toBe('failed');
    const { state, h } = await runPlan(plan, { resumeFrom: failed.state, tools: { steps: { build: { output: { pid: 2 } } } } });
    expect(state.status).toBe('succeeded');
    expect(h.tools.started()).toEqual(['build', 'deploy', 'verify']);
    expect(h.tools.first('deploy').args).toMatchObject({ pid: 2 });
    expect(state.completed).toEqual(['build', 'deploy', 'verify']);
  });
});
