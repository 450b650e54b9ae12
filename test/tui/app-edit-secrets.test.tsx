import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, parsed } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { editorScript } from '../helpers/editor-script.js';
import { promptText } from '../helpers/mock-model.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// A secret the user types into an edited plan (an input named like one) was never the model's:
// the session keeps it as ***, the model (its history, a revision of the plan) never gets it, and
// the plan that runs, revised or not, still has it.

const SECRET = 'hunter2SECRETzz';
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };

/** Every file under `dir` whose text contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => readFileSync(file, 'utf8').includes(needle));
}

describe('a secret input written into an edited plan', () => {
  it('is *** in the session and in what the model gets; the revised plan runs with its value', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `sed -i 's/^goal: .*/&\\ninputs:\\n  dbPassword: ${SECRET}/; s/touch marker-unit/echo {{ inputs.dbPassword }} > marker-unit/' "$1"`);
    // The model revises the plan it was shown: the secret input as ***, used by the unit step.
    const revised = markerPlan(9090);
    revised.steps[2]!.args.command = 'echo {{ inputs.dbPassword }} > marker-unit';
    const model = chatModel([propose, { text: 'Ready.' }], [json(markerPlan()), json({ ...revised, inputs: { dbPassword: '***' } }), json(REFLECTION)]);
    const app = await renderChatApp(context, { model, env: { EDITOR: editor.path } });
    await app.send('deploy the marker app');
    await app.waitFor('run? [y/n/e]');
    await app.send('e');
    await app.waitFor('dbPassword=***');

    await app.send('use port 9090');
    await app.waitFor((frame) => frame.includes('touch marker-serve-9090') && frame.split('\n').slice(-2).join('\n').includes('run? [y/n/e]'));
    const revision = promptText(model.doGenerateCalls[1]!);
    expect(revision).toContain('"dbPassword": "***"');
    expect(revision).not.toContain(SECRET);
    await app.send('y');
    await app.waitFor('Reflection on run', 15_000);
    expect(readFileSync(path.join(app.workspace, 'marker-unit'), 'utf8')).toBe(`${SECRET}\n`);
    expect(promptText(model.doGenerateCalls[2]!)).not.toContain(SECRET);
    await app.session.close();
    expect(filesContaining(app.home, SECRET)).toEqual([]);
    expect(filesContaining(path.join(app.home, 'conversations'), '"dbPassword":"***"').length).toBeGreaterThan(0);
  });
});

describe('a reopened session whose waiting plan had a secret input', () => {
  it('does not run it with *** in its place: the chat says to write the secret in again (e)', async (context) => {
    const plan = parsed({ ...markerPlan(), inputs: { dbPassword: '***' } });
    const history = [
      { kind: 'user' as const, text: 'deploy the marker app' },
      { kind: 'plan' as const, planId: 'p1', plan },
      { kind: 'assistant' as const, text: 'Here is the plan.' },
    ];
    const app = await renderChatApp(context, { model: chatModel([]), history });
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitForText("The plan's input dbPassword was kept in the session without its value (it held a secret): press e and write it into the plan again, then run it.");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame()).not.toContain('✓ approved');
    expect(readdirSync(app.workspace).filter((name) => name.startsWith('marker-'))).toEqual([]);
  });
});
