import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { deadPid, newRunRecord } from '../helpers/store-fixtures.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// A run whose `ksa cancel` was itself killed while it rolled back: the user asked for it to be undone, so the
// chat's /resume must not offer to run its steps again, as ksa resume does not.

/** A run whose owner died after `made` succeeded; `cancelStartedAt`: a cancel had begun when it died. */
async function deadRun(app: ChatApp, runId: string, cancelStartedAt?: string): Promise<void> {
  const plan = PlanSchema.parse({
    goal: 'Made then app',
    steps: [
      { id: 'made', tool: 'shell', args: { command: 'echo made > made.marker' }, rollback: { tool: 'shell', args: { command: 'echo undone > undone.marker' } } },
      { id: 'app', dependsOn: ['made'], tool: 'shell', args: { command: 'echo app > app.marker' } },
    ],
  });
  const run = await app.runs.create(newRunRecord(runId, { plan, workspace: app.workspace }), 'test');
  run.setStatus('running');
  run.record.state.steps.made = { ...run.record.state.steps.made!, status: 'succeeded', attempts: 1 };
  run.record.state.completed.push('made');
  if (cancelStartedAt !== undefined) run.record.state.cancelStartedAt = cancelStartedAt;
  await run.flush();
  const lockFile = path.join(app.home, 'runs', runId, 'owner.lock');
  const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
  await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));
}

describe("the chat's /resume of a run whose cancel was cut short", () => {
  it('refuses in one line pointing to ksa cancel, offers nothing to approve and runs nothing', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    const runId = '20260101-000001-cut';
    await deadRun(app, runId, new Date().toISOString());
    const before = await app.runs.read(runId);
    await app.send(`/resume ${runId}`);
    const frame = await app.waitForText(`Run ${runId} was being cancelled when its process stopped, so it is not resumed; finish the cancel (its rollback) with: ksa cancel ${runId}`);
    expect(frame).not.toContain('run? [y/n/e]');
    expect(app.session.snapshot().phase).toBe('idle');
    expect(app.session.snapshot().pending).toBeUndefined();
    expect(await app.runs.read(runId)).toEqual(before);
    for (const marker of ['made.marker', 'app.marker', 'undone.marker']) expect(existsSync(path.join(app.workspace, marker)), marker).toBe(false);
  });

  it('the same run with no cancel begun is offered for approval', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    const runId = '20260101-000002-cut';
    await deadRun(app, runId);
    await app.send(`/resume ${runId}`);
    await app.waitFor('run? [y/n/e]');
    expect(app.session.snapshot().pending).toBeDefined();
  });
});
