import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { describeOutcome, deterministicReflection, reflectOnRun, type RunOutcome } from '../../src/agent/index.js';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { lastUserPrompt, promptText, scriptedModel } from '../helpers/mock-model.js';
import { Harness, runPlan, toolStep } from '../helpers/run-plan.js';
import { json } from '../helpers/agent-fixtures.js';

// After every run: { success, summary, issues, suggestions }, from the model,
// or built from the run itself when there is no model or it fails.

const PLAN = {
  goal: 'Build and start the shop',
  steps: [
    toolStep('install', [], { rollback: { tool: 'fake', args: {} } }),
    toolStep('build', ['install'], { retry: { maxAttempts: 2, initialDelayMs: 10 }, rollback: { tool: 'fake', args: {} } }),
    toolStep('start', ['build']),
  ],
} satisfies PlanInput;

async function outcomeOf(behaviour: ConstructorParameters<typeof Harness>[1], logTails: RunOutcome['logTails'] = {}): Promise<RunOutcome> {
  const { state } = await runPlan(PLAN, behaviour);
  return { plan: PlanSchema.parse(PLAN), state, logTails };
}

const succeeded = () => outcomeOf({});
const failedAtBuild = () =>
  outcomeOf({ tools: { steps: { build: { fail: true, error: 'command timed out after 60000 ms' } } } }, { build: ['npm ERR! code ELIFECYCLE', 'npm ERR! build failed'] });
const rollbackFailed = () => outcomeOf({ tools: { steps: { start: { fail: true, error: 'connect ECONNREFUSED 127.0.0.1:5432' } }, rollbacks: { build: { fail: true, error: 'rm: permission denied' } } } });

async function cancelled(): Promise<RunOutcome> {
  const h = new Harness(PLAN, { tools: { steps: { build: { ms: 1000 } } } });
  h.clock.at(100, () => h.execution.cancel('cancelled by the user'));
  const state = await h.run();
  return { plan: PlanSchema.parse(PLAN), state, logTails: {} };
}

describe('deterministicReflection', () => {
  it('succeeded', async () => {
    expect(deterministicReflection(await succeeded())).toEqual({ success: true, summary: 'The run succeeded: 3 of 3 steps done.', issues: [], suggestions: [] });
  });

  it('failed: the failed step with attempts and error, what was rolled back, what to do', async () => {
    const reflection = deterministicReflection(await failedAtBuild());
    expect(reflection.success).toBe(false);
    expect(reflection.summary).toBe('The run failed at build; rolled back install.');
    expect(reflection.issues).toEqual(['build failed after 2 attempts: command timed out after 60000 ms']);
    expect(reflection.suggestions).toEqual(['retry build with a longer timeoutMs', 'retry just the failed step (build)']);
  });

  it('rollback_failed: says the system may be half-changed and to check by hand', async () => {
    const outcome = await rollbackFailed();
    expect(outcome.state.status).toBe('rollback_failed');
    const reflection = deterministicReflection(outcome);
    expect(reflection.success).toBe(false);
    expect(reflection.summary).toBe('The run failed at start and a rollback failed too; the system may be half-changed.');
    expect(reflection.issues).toEqual(['start failed after 1 attempt: connect ECONNREFUSED 127.0.0.1:5432', 'the rollback of build failed: rm: permission denied']);
    expect(reflection.suggestions).toEqual([
      'check that the service start talks to is up and on the expected port',
      'retry just the failed step (start)',
      'check by hand what build left behind',
    ]);
  });

  it('cancelled: how far it got and what was rolled back', async () => {
    const outcome = await cancelled();
    expect(outcome.state.status).toBe('cancelled');
    const reflection = deterministicReflection(outcome);
    expect(reflection).toEqual({ success: false, summary: 'The run was cancelled after 1 step; rolled back install.', issues: [], suggestions: [] });
  });

  it('interrupted: suggests resuming', async () => {
    const outcome = await succeeded();
    const reflection = deterministicReflection({ ...outcome, state: { ...outcome.state, status: 'interrupted' } });
    expect(reflection.summary).toBe('The run is interrupted.');
    expect(reflection.suggestions).toEqual([`resume the run (ksa resume ${outcome.state.runId})`]);
  });

  it('interrupted after sending steps to workers: the resume it suggests, and the model is told, names the run\'s --redis', async () => {
    const outcome = await succeeded();
    const onWorkers = { ...outcome, state: { ...outcome.state, status: 'interrupted' as const }, redis: 'redis://:***@queue:6380' };
    const resume = `ksa resume ${outcome.state.runId} --redis redis://:***@queue:6380 (with its password in place of ***)`;
    expect(deterministicReflection(onWorkers).suggestions).toEqual([`resume the run (${resume})`]);
    expect(describeOutcome(onWorkers)).toContain(`resume it with ${resume}, cancel it with ksa cancel ${outcome.state.runId} --redis`);
    // KSA_REDIS_URL naming that server: ksa resume takes it by itself.
    expect(deterministicReflection({ ...onWorkers, configuredRedis: 'redis://:pw@queue:6380/0' }).suggestions).toEqual([`resume the run (ksa resume ${outcome.state.runId})`]);
  });

  it.each([
    ['command not found: kubectl', 'install the missing command, then retry build'],
    ['GET http://x answered 503', "look at the service's own log for why build's check got a server error"],
    ['listen EADDRINUSE: address already in use :::8080', 'free the port or deploy on another one (e.g. "use port 9090")'],
  ])('suggests a fix for "%s"', async (error, suggestion) => {
    const outcome = await outcomeOf({ tools: { steps: { build: { fail: true, error } } } });
    expect(deterministicReflection(outcome).suggestions).toContain(suggestion);
  });
});

describe('describeOutcome', () => {
  it('every step with status, attempts, error and rollback, then the failed steps’ log tails', async () => {
    const text = describeOutcome(await failedAtBuild());
    expect(text).toContain('Goal: Build and start the shop');
    expect(text).toMatch(/Run run-1: failed/);
    expect(text).toContain('- install [fake]: rolled_back, 1 attempt(s), rollback succeeded');
    expect(text).toContain('- build [fake]: failed, 2 attempt(s), error: command timed out after 60000 ms');
    expect(text).toContain('- start [fake]: cancelled, 0 attempt(s)');
    expect(text).toContain('Last log lines of build:\nnpm ERR! code ELIFECYCLE\nnpm ERR! build failed');
  });

  it('keeps only the last 2000 characters of a long log tail', async () => {
    const outcome = await failedAtBuild();
    const text = describeOutcome({ ...outcome, logTails: { build: ['START', 'y'.repeat(5000), 'END'] } });
    const tail = text.slice(text.indexOf('Last log lines of build:\n') + 'Last log lines of build:\n'.length);
    expect(tail.length).toBe(2000);
    expect(tail.endsWith('END')).toBe(true);
    expect(tail).not.toContain('START');
  });
});

describe('reflectOnRun', () => {
  it('asks the model with the outcome and returns its structured answer', async () => {
    const answer = { success: false, summary: 'The build timed out.', issues: ['build: command timed out after 60000 ms'], suggestions: ['retry the build step with a longer timeout'] };
    const model = scriptedModel([json(answer)]);
    const outcome = await failedAtBuild();
    const result = await reflectOnRun(outcome, { model });
    expect(result).toEqual({ reflection: answer, fallback: false });
    const call = model.doGenerateCalls[0]!;
    expect(promptText(call)).toContain('You review deploy runs');
    expect(lastUserPrompt(call)).toBe(describeOutcome(outcome));
    expect(call.responseFormat).toMatchObject({ type: 'json', name: 'reflection' });
  });

  it('the run’s own status decides success, whatever the model says', async () => {
    const model = scriptedModel([json({ success: true, summary: 'All good!', issues: [], suggestions: [] })]);
    const result = await reflectOnRun(await failedAtBuild(), { model });
    expect(result.reflection.success).toBe(false);
    expect(result.reflection.summary).toBe('All good!');
  });

  it('a fenced answer is accepted', async () => {
    const model = scriptedModel(['```json\n{"success":true,"summary":"Done.","issues":[],"suggestions":[]}\n```']);
    expect((await reflectOnRun(await succeeded(), { model })).fallback).toBe(false);
  });

  it('no model: the deterministic reflection', async () => {
    const outcome = await failedAtBuild();
    expect(await reflectOnRun(outcome, {})).toEqual({ reflection: deterministicReflection(outcome), fallback: true });
  });

  it.each([
    ['the model call fails', new APICallError({ message: 'Service Unavailable', url: 'http://x', requestBodyValues: {}, statusCode: 503, isRetryable: false })],
    ['the answer is not JSON', 'The run went badly, sorry.'],
    ['the answer has the wrong shape', json({ ok: false, text: 'failed' })],
  ])('%s: the deterministic reflection, with the error', async (_name, answer) => {
    const model = scriptedModel([answer]);
    const outcome = await rollbackFailed();
    const result = await reflectOnRun(outcome, { model, maxRetries: 0 });
    expect(result.fallback).toBe(true);
    expect(result.reflection).toEqual(deterministicReflection(outcome));
    expect(result.error).toBeInstanceOf(Error);
  });
});
