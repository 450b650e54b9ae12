import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsed } from '../helpers/agent-fixtures.js';
import { markerPlan } from '../helpers/chat-script.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// A plan in the chat may leave an input without a value (the model cannot know the image to deploy):
// it is shown and kept, and the chat, which has no --input, asks for the value before it runs.

describe('a chat plan with an input without a value', () => {
  it('does not run on y: the chat says which input, which step reads it, and to write it into the plan (e)', async (context) => {
    const plan = markerPlan();
    plan.steps[2]!.args.command = 'echo {{ inputs.image }} > marker-unit';
    const history = [
      { kind: 'user' as const, text: 'deploy the marker app' },
      { kind: 'plan' as const, planId: 'p1', plan: parsed({ ...plan, inputs: { image: null, tag: null } }) },
      { kind: 'assistant' as const, text: 'Here is the plan.' },
    ];
    const app = await renderChatApp(context, { model: chatModel([]), history });
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitForText(`The plan's input "image" (step ${plan.steps[2]!.id} reads it) has no value: press e and write it into the plan, then run it.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame()).not.toContain('✓ approved');
    expect(readdirSync(app.workspace).filter((name) => name.startsWith('marker-'))).toEqual([]);
  });

  it('does not run on y when the step tests another value before reading it (when: inputs.enabled && inputs.image != "")', async (context) => {
    const plan = markerPlan();
    Object.assign(plan.steps[2]!, { when: 'inputs.enabled && inputs.image != ""' });
    plan.steps[2]!.args.command = 'echo docker push {{ inputs.image }}:v1 > marker-unit';
    const history = [
      { kind: 'user' as const, text: 'deploy the marker app' },
      { kind: 'plan' as const, planId: 'p1', plan: parsed({ ...plan, inputs: { image: null, enabled: true } }) },
      { kind: 'assistant' as const, text: 'Here is the plan.' },
    ];
    const app = await renderChatApp(context, { model: chatModel([]), history });
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    // The notice comes instead of the run: nothing was started.
    await app.waitForText(`The plan's input "image" (step ${plan.steps[2]!.id} reads it) has no value: press e and write it into the plan, then run it.`);
    expect(app.frame()).not.toContain('✓ approved');
    expect(readdirSync(app.workspace).filter((name) => name.startsWith('marker-'))).toEqual([]);
  });
});
