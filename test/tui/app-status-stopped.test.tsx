import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema, type RunState } from '../../src/planning/index.js';
import { describeResult, runKsa } from '../helpers/cli.js';
import { deadPid } from '../helpers/store-fixtures.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// When a run's process stopped, the chat's /status says it in ksa status's words: the time a run stopped at once
// recorded, or "at or after" / "at least" (and a step's "≥ …") where an older ksa's process left no sign of it.

const PLAN = PlanSchema.parse({ goal: 'Cut short', steps: [{ id: 'build', tool: 'shell', args: { command: 'true' } }, { id: 'count', tool: 'shell', args: { command: 'true' }, dependsOn: ['build'] }] });

/** A run whose second step was running when its process went; `lock`: olderLock: that process an older ksa, its owner.lock left without a heartbeat. */
async function stoppedRun(app: ChatApp, runId: string, status: RunState['status'], options: { endedAt?: string; olderLock?: boolean }): Promise<void> {
  const state = initialRunState(runId, PLAN.goal, ['build', 'count'], {});
  state.status = status;
  state.startedAt = '2026-01-01T00:00:00.000Z';
  if (options.endedAt) state.endedAt = options.endedAt;
  state.steps.build = { status: 'succeeded', attempts: 1, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:02.000Z' };
  state.steps.count = { status: 'running', attempts: 1, startedAt: '2026-01-01T00:00:02.000Z' };
  const stored = await app.runs.create({ runId, goal: PLAN.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan: PLAN, inputs: {}, allowedEnv: [], state }, 'test');
  const lockFile = path.join(app.home, 'runs', runId, 'owner.lock');
  const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
  await stored.close();
  if (options.olderLock) {
    // What an older ksa killed leaves: its owner record without a heartbeat, so nothing says when it died.
    const { heartbeatMs: _, ...older } = owner;
    await writeFile(lockFile, JSON.stringify({ ...older, pid: await deadPid() }));
  }
  // Its log was last written 6 s into the step.
  const log = path.join(app.runs.logDir(runId), 'count.log');
  await mkdir(path.dirname(log), { recursive: true });
  await writeFile(log, 'second 6\n');
  await utimes(log, new Date('2026-01-01T00:00:08.000Z'), new Date('2026-01-01T00:00:08.000Z'));
}

/** ksa status's line that says when the run stopped. */
async function statusStopLine(app: ChatApp, runId: string): Promise<string> {
  const result = await runKsa(['status', runId], { home: app.home });
  expect(result.code, describeResult(result)).toBe(0);
  return result.stdout.split('\n').find((line) => line.startsWith('  stopped '))!;
}

describe("the chat's /status of a run whose process is gone", () => {
  it('left by an older ksa: says the stop and the step time are lower bounds, as ksa status does', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await stoppedRun(app, 'run-old', 'running', { olderLock: true });
    await app.send('/status run-old');
    const frame = await app.waitFor('Run run-old: interrupted · Cut short');
    const line = await statusStopLine(app, 'run-old');
    expect(line).toBe('  stopped at or after 2026-01-01 00:00:08 · after at least 8.0s');
    expect(frame).toContain(line);
    expect(frame).toMatch(/ {2}count {12}interrupted \u2265 6\.0s$/m);
  });

  it('stopped at once: says the stop it recorded, with no "at or after", as ksa status does', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await stoppedRun(app, 'run-halt', 'paused', { endedAt: '2026-01-01T00:00:09.000Z' });
    await app.send('/status run-halt');
    const frame = await app.waitFor('Run run-halt: paused · Cut short');
    const line = await statusStopLine(app, 'run-halt');
    expect(line).toBe('  stopped 2026-01-01 00:00:09 · after 9.0s');
    expect(frame).toContain(line);
    expect(frame).not.toContain('at or after');
  });
});
