import { describe, expect, it } from 'vitest';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// The chat app when the model calls propose_plan with arguments its schema refuses: a plain
// warning naming the function and what is wrong (not "Planning failed" with the SDK's error
// dump), and a turn that ends without any answer said as the model's failure.

const WRONG_CALL = { toolCalls: [{ name: 'propose_plan', input: { plan: { goal: 'x' } } }] };
const WARNING = '! the model called propose_plan with invalid arguments: goal: is required (string)';

describe('the chat app: a function called with invalid arguments', () => {
  it('one plain warning per wrong call; the answer after it is shown as usual', async (context) => {
    const model = chatModel([WRONG_CALL, { text: 'I could not make a plan for that.' }]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy hello');
    const frame = await app.waitFor(/ready · \d+ tokens/);
    expect(frame).toContain(WARNING);
    expect(frame).toContain('I could not make a plan for that.');
    expect(frame).not.toMatch(/Planning failed|AI_|Error message|invalid_type/);
  });

  it('the model never gets it right: the warnings, then one error saying the turn gave no answer', async (context) => {
    const model = chatModel(Array.from({ length: 6 }, () => WRONG_CALL));
    const app = await renderChatApp(context, { model });
    await app.send('deploy hello');
    const frame = await app.waitForText('✗ the model gave no answer after a failed call');
    expect(frame.split(WARNING)).toHaveLength(7);
    expect(frame).not.toMatch(/Planning failed|AI_|Error message|invalid_type/);
  });
});
