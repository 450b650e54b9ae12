import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat's /resume of a run an older ksa (no `format`, no rollback starts recorded) left while it was
// failing says what runs again in ksa resume's words (test/cli/resume-older-record.test.ts).

const at = (second: number) => `2026-12-06T06:00:${String(second).padStart(2, '0')}.000Z`;
const output = { stdout: '', stderr: '', exitCode: 0 };
const RUN_ID = '20261206-060008-94f9';

/** The older build's run.json, status and error as it left them: a and b succeeded (each with a rollback), c failed. */
function olderRun(app: ChatApp, status: 'running' | 'interrupted', error: string): void {
  mkdirSync(path.join(app.home, 'runs', RUN_ID), { recursive: true });
  const plan = {
    goal: 'Rollback that gets killed',
    inputs: {},
    steps: [
      { id: 'a', dependsOn: [], tool: 'shell', args: { command: 'echo a >> ran.log' }, rollback: { tool: 'shell', args: { command: 'true' } } },
      { id: 'b', dependsOn: ['a'], tool: 'shell', args: { command: 'echo b >> ran.log' }, rollback: { tool: 'shell', args: { command: 'true' } } },
      { id: 'c', dependsOn: ['b'], tool: 'shell', args: { command: 'echo c >> ran.log' } },
    ],
  };
  const state = {
    runId: RUN_ID, goal: plan.goal, status, inputs: {}, startedAt: at(1), completed: ['a', 'b'], failedStepId: 'c', error,
    steps: {
      a: { status: 'succeeded', attempts: 1, startedAt: at(1), endedAt: at(2), output },
      b: { status: 'succeeded', attempts: 1, startedAt: at(2), endedAt: at(3), output },
      c: { status: 'failed', attempts: 1, startedAt: at(3), endedAt: at(4), error: 'command exited with code 5' },
    },
  };
  writeFileSync(path.join(app.home, 'runs', RUN_ID, 'run.json'), JSON.stringify({ version: 1, approvals: [], runId: RUN_ID, goal: plan.goal, createdAt: at(0), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state }));
}

/** The frame's text without the card's borders, whitespace runs as one space: a wrapped line reads whole. */
const unboxed = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe("the chat's /resume of a run an older ksa left while it was failing", () => {
  it('killed while it rolled back: says, as ksa resume does, that it cannot tell whether the rollbacks began, and a and b run again', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    olderRun(app, 'running', 'step "c" failed: command exited with code 5');
    await app.send(`/resume ${RUN_ID}`);
    const frame = unboxed(await app.waitFor('run? [y/n/e]'));
    expect(frame).toContain(`resumes run ${RUN_ID}: nothing was finished yet`);
    expect(frame).toContain('a, b had succeeded, but an older ksa stopped this run while it was failing and did not record whether their rollbacks began: they may have been undone, so they run again.');
    expect(frame).not.toContain('began before the stop');
    await app.send('y');
    await app.waitFor(`Reflection on run ${RUN_ID}`, 10_000);
    expect(readFileSync(path.join(app.workspace, 'ran.log'), 'utf8')).toBe('a\nb\nc\n');
  });

  it('stopped at once during the rollback: says that b, whose rollback was under way, runs again, and keeps a', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    olderRun(app, 'interrupted', 'stopped at once during the rollback; not rolled back: b, a');
    await app.send(`/resume ${RUN_ID}`);
    const frame = unboxed(await app.waitFor('run? [y/n/e]'));
    expect(frame).toContain(`resumes run ${RUN_ID}: a already done and not run again`);
    expect(frame).toContain('b had succeeded, but its rollback began before the stop and may have undone it: it runs again.');
    expect(frame).not.toContain('an older ksa');
  });
});
