import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveRun } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat's /resume of a run started with --allow-env: as ksa resume, it reads those variables from the
// environment the chat started in, and refuses before anything runs when one read plainly is not set.

const RUN_ID = 'env-run';

/** A run allowed QA_Y and QA_Z, stopped while b ran: a succeeded (its rollback reads QA_Y), b's rollback reads QA_Z, c fails. */
async function stoppedRun(app: ChatApp): Promise<void> {
  const plan = PlanSchema.parse({
    goal: 'Env rollback',
    steps: [
      { id: 'a', tool: 'shell', args: { command: 'echo A-RAN' }, rollback: { tool: 'shell', args: { command: 'echo undo $TOK > undone', env: { TOK: '{{ env.QA_Y }}' } } } },
      { id: 'b', dependsOn: ['a'], tool: 'shell', args: { command: 'while [ ! -f b.go ]; do sleep 0.05; done' }, rollback: { tool: 'shell', args: { command: 'echo undo-b {{ env.QA_Z }} > undone-b' } } },
      { id: 'c', dependsOn: ['b'], tool: 'shell', args: { command: 'exit 3' } },
    ],
  });
  const stored = await app.runs.create({ runId: RUN_ID, goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: ['QA_Y', 'QA_Z'], state: initialRunState(RUN_ID, plan.goal, ['a', 'b', 'c'], {}) }, 'test');
  let started = false;
  const handle = await driveRun({ run: stored, registry: createBuiltinRegistry(), mode: 'fresh', env: { QA_Y: 'tok', QA_Z: 'zz' }, onEvent: (event) => void (event.type === 'step_started' && event.stepId === 'b' && (started = true)) });
  await eventually(() => (started ? true : undefined), 10_000);
  await handle.stopNow();
  writeFileSync(path.join(app.workspace, 'b.go'), '');
}

const unboxed = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

describe("the chat's /resume of a run that reads allow-listed variables", () => {
  it('refuses, naming each variable not set in the chat\'s environment and who reads it, and runs nothing', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), environment: { QA_Z: 'zz' } });
    await stoppedRun(app);
    const before = await app.runs.read(RUN_ID);
    await app.send(`/resume ${RUN_ID}`);
    const frame = unboxed(await app.waitForText(`Run ${RUN_ID} cannot be resumed: env.QA_Y is used by the rollback of step a but QA_Y is not set in the environment. Nothing was run; start ksa chat with QA_Y set to resume it.`));
    expect(frame).not.toContain('run? [y/n/e]');
    expect(app.session.snapshot().phase).toBe('idle');
    expect(await app.runs.read(RUN_ID)).toEqual(before);
    expect(existsSync(path.join(app.workspace, 'undone'))).toBe(false);
  });

  it('with none of them set, names them all', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), environment: {} });
    await stoppedRun(app);
    await app.send(`/resume ${RUN_ID}`);
    await app.waitForText(`Run ${RUN_ID} cannot be resumed: env.QA_Y is used by the rollback of step a but QA_Y is not set in the environment; env.QA_Z is used by step b but QA_Z is not set in the environment. Nothing was run; start ksa chat with QA_Y and QA_Z set to resume it.`);
    expect(app.session.snapshot().pending).toBeUndefined();
  });

  it('with them set, the resumed run reads their values: c fails, and both rollbacks undo with them', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), environment: { QA_Y: 'tok', QA_Z: 'zz' } });
    await stoppedRun(app);
    await app.send(`/resume ${RUN_ID}`);
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor(`Reflection on run ${RUN_ID}`, 15_000);
    const record = await app.runs.read(RUN_ID);
    expect(record.state.status).toBe('failed');
    expect(record.state.steps.a!.status).toBe('rolled_back');
    expect(record.state.steps.b!.status).toBe('rolled_back');
    expect(readFileSync(path.join(app.workspace, 'undone'), 'utf8')).toBe('undo tok\n');
    expect(readFileSync(path.join(app.workspace, 'undone-b'), 'utf8')).toBe('undo-b zz\n');
  });
});
