import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CYCLIC_PLAN, json } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { lastUserPrompt, promptText } from '../helpers/mock-model.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat app as a user drives it (ink-testing-library, real ChatSession,
// real stores and tools, a mock model): a goal becomes a plan card, a
// revision shows what changed, approving runs the steps for real, the run
// collapses to a summary and a reflection, and questions are answered from
// the store.

const propose = (goal: string) => ({ text: 'Let me plan that.', toolCalls: [{ name: 'propose_plan', input: { goal } }] });
const markers = (app: ChatApp) => readdirSync(app.workspace).filter((name) => name.startsWith('marker-')).sort();
/** The live area: everything after the last finished (Static) entry is redrawn; here, the last `n` lines. */
const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');

describe('a conversation in the chat app', () => {
  it('streams the answer as Markdown, then it becomes a finished entry', async (context) => {
    const model = chatModel([{ text: 'Two ways:\n\n1. `kubectl rollout restart`\n2. delete the pods\n\n```sh\nkubectl get pods\n```', chunkDelayMs: 15 }]);
    const app = await renderChatApp(context, { model });
    await app.send('how do I restart the web pods?');
    // Mid-stream: part of the answer is shown, the status line says so, Esc is offered.
    const partial = await app.waitFor((frame) => frame.includes('Two ways') && !frame.includes('kubectl get pods'));
    expect(partial).toContain('session');
    expect(tail(partial, 3)).toMatch(/answering/);
    expect(partial).toContain('(Esc to interrupt)');
    const done = await app.waitFor(/ready · \d+ tokens/);
    expect(done).toContain('› how do I restart the web pods?');
    expect(done).toContain('1. `kubectl rollout restart`');
    expect(done).toMatch(/│ sh +│\n│ kubectl get pods +│/);
    expect(done).not.toContain('(Esc to interrupt)');
  });

  it('after a look-up the model is waited for, not said to be thinking (it sent no reasoning)', async (context) => {
    const model = chatModel([{ toolCalls: [{ name: 'list_runs', input: {} }] }, { text: 'No runs yet.', delayMs: 1500 }]);
    const app = await renderChatApp(context, { model });
    await app.send('any runs?');
    // Once the look-up's result is shown, the model has it and has said nothing yet.
    const waiting = await app.waitFor((frame) => frame.includes('list_runs') && /(waiting for the model|thinking)…/.test(tail(frame, 3)));
    expect(tail(waiting, 3)).toContain('waiting for the model…');
    expect(waiting).not.toContain('thinking…');
    expect(waiting).not.toContain('/think shows the reasoning');
    await app.waitFor(/ready · \d+ tokens/);
  });

  it('goal → plan card → revision with what changed → Enter runs it → summary, reflection → "what\'s the status?" from the store', async (context) => {
    const model = chatModel(
      [
        propose('deploy the marker app'),
        { text: 'Here is the plan.' },
        { toolCalls: [{ name: 'get_run_status', input: {} }] },
        (options) => {
          const result = /\[tool-result get_run_status (.*)\]/.exec(promptText(options))?.[1] ?? '';
          const { value } = JSON.parse(result) as { value: { runId: string; status: string; steps: { id: string; status: string }[] } };
          return { text: `Run ${value.runId} ${value.status}: ${value.steps.map((step) => `${step.id} ${step.status}`).join(', ')}.` };
        },
      ],
      [json(markerPlan(8080)), json(markerPlan(9090)), json(REFLECTION)],
    );
    const app = await renderChatApp(context, { model });

    await app.send('deploy the marker app');
    let frame = await app.waitFor('run? [y/n/e]');
    expect(frame).toContain('Let me plan that.');
    expect(frame).toContain('Here is the plan.');
    expect(frame).toContain('Plan: Deploy the marker app');
    expect(frame).toContain('shell: echo serving on 8080; touch marker-serve-8080');
    expect(tail(frame, 1)).toContain('plan waiting for approval');

    // Free text at the approval prompt is a revision request, answered by the planner.
    await app.send('use port 9090');
    // The replaced card goes into the transcript once its risk is known (it is drawn there once).
    frame = await app.waitFor((f) => f.includes('What changed:') && f.includes('↻ replaced by a revision'));
    expect(lastUserPrompt(model.doGenerateCalls[1]!)).toContain('Revise it as the user asks: "use port 9090"');
    expect(frame).toContain('↻ replaced by a revision');
    expect(frame).toContain('shell: echo serving on 9090; touch marker-serve-9090');
    expect(frame).toMatch(/~ serve: .*/);
    expect(markers(app)).toEqual([]);

    // Enter on the empty line approves: the steps really run.
    await app.press('enter');
    frame = await app.waitFor('Reflection on run run-1', 15_000);
    expect(markers(app)).toEqual(['marker-lint', 'marker-prepare', 'marker-serve-9090', 'marker-unit']);
    expect(frame).toContain('✓ approved');
    expect(frame).toContain('✓ Run run-1 succeeded · 4 succeeded');
    expect(frame).toContain('All four steps succeeded; the app serves.');
    expect(frame).toContain('→ open http://localhost:8080 to check it');
    // The run panel collapsed: no live step lines or progress bar are left.
    expect(tail(frame, 3)).not.toMatch(/done · \d+ running/);
    expect(frame).toMatch(/ready · \d+ tokens/);

    await app.send("what's the status?");
    frame = await app.waitFor('Run run-1 succeeded: prepare succeeded, lint succeeded, unit succeeded, serve succeeded.');
    expect(frame).toContain('· get_run_status: run run-1: succeeded');
  });

  it('n rejects: nothing runs, the card says rejected, the next message is a normal turn', async (context) => {
    const model = chatModel([propose('deploy'), { text: 'Ready.' }, { text: 'Fine, nothing was done.' }], [json(markerPlan())]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    await app.waitFor('run? [y/n/e]');
    await app.send('n');
    let frame = await app.waitFor('Plan rejected; nothing was run.');
    expect(frame).toContain('✗ rejected');
    expect(tail(frame, 2)).toMatch(/^› .*\n.*· ready ·/);
    await app.send('ok thanks');
    frame = await app.waitFor('Fine, nothing was done.');
    expect(markers(app)).toEqual([]);
    expect(existsSync(path.join(app.home, 'runs'))).toBe(false);
  });

  it('a failing run: the summary names the failure, the finished step is rolled back, the reflection gets the step’s log', async (context) => {
    const plan = {
      goal: 'Build the shop',
      steps: [
        { id: 'prepare', tool: 'shell', args: { command: 'touch marker-prepared' }, rollback: { tool: 'shell', args: { command: 'rm -f marker-prepared' } } },
        { id: 'build', tool: 'shell', args: { command: 'echo "error TS2322: bad type" >&2; exit 2' }, dependsOn: ['prepare'] },
      ],
    };
    const reflection = { success: false, summary: 'build failed on a type error; prepare was rolled back.', issues: ['error TS2322: bad type'], suggestions: ['fix the type, then retry'] };
    const model = chatModel([propose('build'), { text: 'Ready.' }], [json(plan), json(reflection)]);
    const app = await renderChatApp(context, { model });
    await app.send('build the shop');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    const frame = await app.waitFor('Reflection on run run-1', 15_000);
    expect(frame).toMatch(/✗ Run run-1 failed · .*1 failed/);
    expect(frame).toContain('Issues:');
    expect(frame).toContain('• error TS2322: bad type');
    expect(markers(app)).toEqual([]);
    expect(lastUserPrompt(model.doGenerateCalls[1]!)).toContain('error TS2322: bad type');
  });

  it('a plan the model cannot get right: the chat says so, with the problems, whatever the model says after', async (context) => {
    const cyclic = json(CYCLIC_PLAN);
    const app = await renderChatApp(context, { model: chatModel([propose('x'), { text: 'Sorry about that.' }], [cyclic, cyclic, cyclic, cyclic]) });
    await app.send('do x');
    const frame = await app.waitFor('Sorry about that.');
    expect(frame).toMatch(/✗ Planning failed: the model did not produce a valid plan after 4 attempts; remaining problems:\s+steps\[\d\]\.dependsOn: dependency cycle/);
  });

  it('a revision the model cannot get right keeps the plan, lists the problems, and blames no endpoint', async (context) => {
    const cyclic = json(CYCLIC_PLAN);
    const app = await renderChatApp(context, { model: chatModel([propose('deploy'), { text: 'Here it is.' }], [json(markerPlan()), cyclic, cyclic, cyclic, cyclic]) });
    await app.send('deploy the marker app');
    await app.waitFor('run? [y/n/e]');
    await app.send('use port 9090');
    const frame = await app.waitFor(/Planning failed: the model did not produce a valid plan after 4 attempts; remaining problems:\s+steps\[\d\]\.dependsOn: dependency cycle/);
    expect(frame).not.toMatch(/the model call to .* failed/);
    await app.waitFor('run? [y/n/e]');
  });
});
