import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { eventually } from '../helpers/cli.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { promptText } from '../helpers/mock-model.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// A plan running inside the chat: the live panel, the chat staying usable
// ("what's the status?"), and Esc asking to cancel (y rolls back, n goes on).

/** `first` leaves a marker (undone by its rollback); `wait` runs until the file `go` appears. */
const GATED_PLAN = {
  goal: 'Deploy behind a gate',
  steps: [
    { id: 'first', tool: 'shell', args: { command: 'echo first-done; touch marker-first' }, rollback: { tool: 'shell', args: { command: 'rm -f marker-first; touch marker-rolled-back' } } },
    { id: 'wait', tool: 'shell', args: { command: 'echo waiting-for-go; while [ ! -f go ]; do sleep 0.05; done; touch marker-wait' }, dependsOn: ['first'] },
  ],
};
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };
const has = (app: ChatApp, name: string) => existsSync(path.join(app.workspace, name));
const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');

async function startGatedRun(app: ChatApp): Promise<string> {
  await app.send('deploy behind the gate');
  await app.waitFor('run? [y/n/e]');
  await app.send('y');
  return app.waitFor(/─ wait running .*│ waiting-for-go/, 10_000);
}

describe('a run in the chat', () => {
  it('the live panel: steps with status and output, a progress bar, the run in the status line', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    const frame = await startGatedRun(app);
    const live = tail(frame, 9);
    expect(live).toContain('Run run-1 · Deploy behind a gate');
    expect(live).toMatch(/✓ ─ first succeeded \d+(ms|\.\ds)/);
    expect(live).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] ─ wait running \d+(ms|\.\ds) +│ waiting-for-go/);
    expect(live).toMatch(/1\/2 done · 1 running/);
    expect(live).toMatch(/ask about the run .*Esc to cancel it/);
    expect(tail(frame, 1)).toMatch(/· running · run run-1 running ·/);
    await writeFile(path.join(app.workspace, 'go'), '');
    const done = await app.waitFor('Reflection on run run-1', 10_000);
    expect(done).toContain('✓ Run run-1 succeeded · 2 succeeded');
    expect(tail(done, 3)).not.toContain('Run run-1 ·');
    expect(has(app, 'marker-wait')).toBe(true);
  });

  it('the summary of a failed run shows its error as stored: a secret input\'s value is ***', async (context) => {
    const token = 'ghp_Zq8mN3xT7vR2pL9kW4jH6cB1dF5sA0yE8uI3';
    const leaky = { goal: 'Leaky build', inputs: { token }, steps: [{ id: 'leak', tool: 'shell', args: { command: 'echo "token={{ inputs.token }}" >&2; exit 3' } }] };
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(leaky), json(REFLECTION)]) });
    await app.send('build it');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    const frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(frame).toMatch(/✗ Run run-1 failed/);
    expect(frame).toContain('command exited with code 3: token=***');
    expect(frame).not.toContain(token);
    expect(readFileSync(path.join(app.home, 'runs', 'run-1', 'run.json'), 'utf8')).not.toContain(token);
  });

  it('the chat stays usable: "what\'s the status?" during the run is answered from the store', async (context) => {
    const model = chatModel(
      [
        propose,
        { text: 'Ready.' },
        { toolCalls: [{ name: 'get_run_status', input: {} }] },
        (options) => {
          const text = promptText(options);
          return { text: /"status":"running"/.test(text) && /"id":"wait","status":"running"/.test(text) ? 'Still running: wait is in progress.' : `unexpected: ${text.slice(-300)}` };
        },
      ],
      [json(GATED_PLAN), json(REFLECTION)],
    );
    const app = await renderChatApp(context, { model });
    await startGatedRun(app);
    // The run file is written by group commit (within ~50 ms of the event): the answer comes from the file.
    await eventually(async () => ((await app.runs.read('run-1')).state.steps.wait?.status === 'running' ? true : undefined));
    await app.send("what's the status?");
    const frame = await app.waitFor('Still running: wait is in progress.');
    // The panel is still there, below the answer, and the phase is back to running.
    await app.waitFor((f) => tail(f, 1).includes('· running · run run-1 running'));
    expect(frame).toContain('· get_run_status: run run-1: running');
    await writeFile(path.join(app.workspace, 'go'), '');
    await app.waitFor('Reflection on run run-1', 10_000);
  });

  it('a second plan proposed during a run says on its card that it can be approved once the run ends; y until then only says so', async (context) => {
    const second = { goal: 'Touch later', steps: [{ id: 'later', tool: 'shell', args: { command: 'touch marker-later' } }] };
    const model = chatModel([propose, { text: 'Ready.' }, propose, { text: 'Second plan ready.' }], [json(GATED_PLAN), json(second), json(REFLECTION), json(REFLECTION)]);
    const app = await renderChatApp(context, { model });
    await startGatedRun(app);
    await app.send('and touch a file later');
    await app.waitFor('Second plan ready.');
    await app.waitFor('a run is in progress: approve (y) once it ends, or Esc cancels it · n reject');
    await app.send('y');
    await app.waitFor('A run is in progress; wait for it');
    expect(has(app, 'marker-later')).toBe(false);
    await writeFile(path.join(app.workspace, 'go'), '');
    await app.waitFor('Reflection on run run-1', 10_000);
    await app.waitFor((f) => tail(f, 12).includes('y/Enter run it · n reject'));
    await app.send('y');
    await app.waitFor('Reflection on run run-2', 10_000);
    expect(has(app, 'marker-later')).toBe(true);
  });

  it('Esc asks to cancel; n lets the run go on', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    await startGatedRun(app);
    await app.press('esc');
    let frame = await app.waitFor('Cancel the run? Running steps are aborted and finished ones rolled back. y/n');
    expect(tail(frame, 2)).toMatch(/^cancel\? \[y\/n\]/m);
    expect(tail(frame, 1)).toContain('confirm cancel');
    await app.send('n');
    frame = await app.waitFor('The run goes on.');
    expect(frame).not.toContain('Cancelling');
    await writeFile(path.join(app.workspace, 'go'), '');
    frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(frame).toContain('✓ Run run-1 succeeded');
  });

  it('Esc, then y: running steps are aborted, finished ones rolled back, the summary says cancelled', async (context) => {
    const reflection = { success: false, summary: 'Cancelled by you; first was rolled back.', issues: [], suggestions: [] };
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(reflection)]) });
    await startGatedRun(app);
    expect(has(app, 'marker-first')).toBe(true);
    await app.press('esc');
    await app.waitFor('Cancel the run?');
    await app.send('y');
    const frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(frame).toContain('! Cancelling: running steps are aborted and finished ones rolled back…');
    expect(frame).toMatch(/⊘ Run run-1 cancelled · .*rolled back/);
    expect(has(app, 'marker-first')).toBe(false);
    expect(has(app, 'marker-rolled-back')).toBe(true);
    expect(has(app, 'marker-wait')).toBe(false);
  });

  it('the agent asking to cancel (cancel_run) only asks the user: the run goes on until y; n keeps it going', async (context) => {
    const cancelCall = { toolCalls: [{ name: 'cancel_run', input: {} }] };
    const model = chatModel([propose, { text: 'Ready.' }, cancelCall, { text: 'Confirm with y.' }, cancelCall, { text: 'Confirm with y.' }], [json(GATED_PLAN), json(REFLECTION)]);
    const app = await renderChatApp(context, { model });
    await startGatedRun(app);
    await app.send('how is it going?');
    let frame = await app.waitFor('Confirm with y.');
    expect(frame).toContain('The agent asks to cancel run run-1.');
    expect(frame).toContain('Cancel the run? Running steps are aborted and finished ones rolled back. y/n');
    // What the model was told: nothing is cancelled until the user says so.
    expect(promptText(model.doStreamCalls[3]!)).toContain('confirm in the chat: y cancels the run');
    expect(frame).not.toContain('Cancelling');
    expect(has(app, 'marker-first')).toBe(true);
    await app.send('n');
    await app.waitFor('The run goes on.');

    // Asked again, and this time the user says yes.
    await app.send('stop it');
    await app.waitFor((f) => f.split('Confirm with y.').length === 3);
    await app.send('y');
    frame = await app.waitFor(/⊘ Run run-1 cancelled/, 10_000);
    expect(frame).toContain('! Cancelling: running steps are aborted and finished ones rolled back…');
    expect(has(app, 'marker-rolled-back')).toBe(true);
    expect(has(app, 'marker-wait')).toBe(false);
  });
});
