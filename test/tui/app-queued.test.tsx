import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// What is typed while the agent answers is sent after the answer; a yes typed then was not said
// to a plan that answer proposed (the user had not seen it): that plan waits for its own answer.

const propose = (goal: string) => ({ text: 'Let me plan that.', toolCalls: [{ name: 'propose_plan', input: { goal } }] });
const markers = (app: ChatApp) => readdirSync(app.workspace).filter((name) => name.startsWith('marker-')).sort();
const slowly = (answer: string, ms = 800) => async () => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return answer;
};

describe('a message typed while the agent answers', () => {
  it('a "y" typed before the first plan is shown does not run it; the plan waits, and y then runs it', async (context) => {
    const model = chatModel([propose('deploy'), { text: 'Here is the plan.' }], [slowly(json(markerPlan())), json(REFLECTION)]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    await app.waitFor('planning');
    await app.send('y');
    let frame = await app.waitForText('"y" was typed before this plan was shown, so it is not taken as an answer to it');
    frame = await app.waitFor('run? [y/n/e]');
    expect(frame).not.toContain('✓ approved');
    expect(markers(app)).toEqual([]);
    await app.send('y');
    await app.waitFor(/✓ Run \S+ succeeded/, 15_000);
    expect(markers(app)).not.toEqual([]);
  });

  it('a "yes" typed while a revision is made does not approve the revised plan (nor the one it replaces)', async (context) => {
    const model = chatModel([propose('deploy'), { text: 'Here is the plan.' }], [json(markerPlan(8080)), slowly(json(markerPlan(9090)))]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    await app.waitFor('run? [y/n/e]');
    await app.send('use port 9090');
    await app.waitFor('revising the plan');
    await app.send('yes');
    const frame = await app.waitForText('"yes" was typed before this plan was shown');
    expect(frame).toContain('What changed:');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.frame()).not.toMatch(/Run \S+ (succeeded|failed)/);
    expect(markers(app)).toEqual([]);
  });

  it('a "y" typed after the plan was made but while the answer about it goes on (the card not shown yet) does not run it', async (context) => {
    const model = chatModel([propose('deploy'), { text: 'Here is the plan.', delayMs: 800 }], [json(markerPlan()), json(REFLECTION)]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    await eventually(() => (model.doStreamCalls.length === 2 ? true : undefined), 5000);
    await app.send('y');
    await app.waitForText('"y" was typed before this plan was shown, so it is not taken as an answer to it');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame()).not.toContain('✓ approved');
    expect(markers(app)).toEqual([]);
  });

  it('an "e" typed while the agent answers is not sent as a revision request "e": the user is told to press it now', async (context) => {
    const model = chatModel([propose('deploy'), { text: 'Here is the plan.', delayMs: 600 }], [json(markerPlan())]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    await app.waitFor('planning');
    await app.send('e');
    await app.waitForText('"e" was typed before this plan was shown, so it is not taken as an answer to it: press e now to edit it.');
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it('a "yes" typed before the agent asked to cancel the run is not taken as the answer: the run goes on until y', async (context) => {
    const gated = { goal: 'Gated', steps: [{ id: 'wait', tool: 'shell', args: { command: 'while [ ! -f go ]; do sleep 0.05; done; touch marker-wait' } }] };
    const model = chatModel(
      [propose('deploy'), { text: 'Ready.' }, { toolCalls: [{ name: 'cancel_run', input: {} }], delayMs: 600 }, { text: 'Confirm with y.' }],
      [json(gated), json(REFLECTION)],
    );
    const app = await renderChatApp(context, { model });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor(/wait running/, 10_000);
    await app.send('stop it');
    await app.waitFor('waiting for the model');
    await app.send('yes');
    await app.waitForText('"yes" was typed before this question was shown, so it is not taken as its answer');
    expect(app.frame()).not.toContain('Cancelling');
    await app.send('y');
    await app.waitFor(/⊘ Run run-1 cancelled/, 10_000);
  });
});
