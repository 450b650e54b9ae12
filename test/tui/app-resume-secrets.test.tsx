import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveRun } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// /resume of a run given a secret input: its record holds *** for it, so the chat asks for it again.

const SECRET = 's3cretvalue123';

/** A run given apiToken (stored as ***), stopped while its first step ran: its second step uses the token. */
async function interruptedRunWithSecret(app: ChatApp, defaultToken = ''): Promise<void> {
  const plan = PlanSchema.parse({
    goal: 'Use a token',
    inputs: { apiToken: defaultToken },
    steps: [
      { id: 'first', tool: 'shell', args: { command: 'echo started; [ -f go ] || sleep 30' } },
      { id: 'use', tool: 'shell', dependsOn: ['first'], args: { command: `printf 'len=%s stars=%s\\n' "$(printf %s '{{ inputs.apiToken }}' | wc -c)" "$([ '{{ inputs.apiToken }}' = '***' ] && echo yes || echo no)" > trace.txt; printf %s '{{ inputs.apiToken }}' > token.txt` } },
    ],
  });
  const inputs = { apiToken: SECRET };
  const stored = await app.runs.create({ runId: 'old-run', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs, allowedEnv: [], state: initialRunState('old-run', plan.goal, ['first', 'use'], { ...plan.inputs, ...inputs }) }, 'test');
  let started = false;
  const handle = await driveRun({ run: stored, registry: createBuiltinRegistry(), mode: 'fresh', inputs, onEvent: (event) => void (event.type === 'step_output' && (started = true)) });
  await eventually(() => (started ? true : undefined), 10_000);
  await handle.stopNow();
  expect((await app.runs.read('old-run')).inputs).toEqual({ apiToken: '***' });
  await import('node:fs/promises').then((fs) => fs.writeFile(path.join(app.workspace, 'go'), ''));
}

/**
 * Every file under a folder, as text. The chat still saves its session meanwhile: a temporary file of an atomic
 * write may be renamed away between the listing and its reading, and then the folder is read again.
 */
async function allText(dir: string): Promise<string> {
  for (let tries = 1; ; tries++) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
    try {
      return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || tries >= 20) throw error;
    }
  }
}

describe('/resume of a run with a secret input', () => {
  it('asks for the secret again, masked, and the run goes on with it, never with ***; the value is kept nowhere', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    await interruptedRunWithSecret(app);
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitForText('Run old-run was given the secret input apiToken, which was not stored: type it in again to resume it (shown masked, not kept). Esc drops the resume.');
    await app.waitFor('apiToken:');
    expect(app.session.snapshot().phase).toBe('secret_input');
    await app.typeKeys(`/${SECRET}`);
    const typing = await app.waitFor('•'.repeat(SECRET.length + 1));
    expect(typing).not.toContain(SECRET);
    await app.send('');
    await app.waitFor('Reflection on run old-run', 15_000);
    expect(await readFile(path.join(app.workspace, 'trace.txt'), 'utf8')).toBe(`len=${SECRET.length + 1} stars=no\n`);
    expect(await readFile(path.join(app.workspace, 'token.txt'), 'utf8')).toBe(`/${SECRET}`);
    expect(app.frame()).not.toContain(SECRET);
    // Neither the run, its logs, nor the session keep it; Up does not bring it back.
    expect(await allText(app.home)).not.toContain(SECRET);
    expect((await app.runs.read('old-run')).inputs).toEqual({ apiToken: '***' });
    await app.press('up');
    expect(app.frame().split('\n').slice(-3).join('\n')).not.toContain(SECRET);
  });

  it('asks for it too when the plan had a default the run was given another value for (the stored plan holds *** for both)', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    await interruptedRunWithSecret(app, 'default-token-value');
    expect((await app.runs.read('old-run')).plan.inputs).toEqual({ apiToken: '***' });
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor('apiToken:');
    await app.typeKeys(SECRET);
    await app.send('');
    await app.waitFor('Reflection on run old-run', 15_000);
    expect(await readFile(path.join(app.workspace, 'token.txt'), 'utf8')).toBe(SECRET);
    expect(await allText(app.home)).not.toContain(SECRET);
  });

  it('Esc drops the resume: nothing runs, the run stays interrupted, and y asks again', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await interruptedRunWithSecret(app);
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor('apiToken:');
    await app.send('');
    await app.waitForText('apiToken cannot be empty: type its value, or press Esc to drop the resume.');
    await app.press('esc');
    await app.waitForText('Not resumed: run old-run stays as it was; y asks for its secret input again.');
    await app.waitFor('run? [y/n/e]');
    expect((await app.runs.inspect('old-run')).status).toBe('interrupted');
    await app.send('y');
    await app.waitFor('apiToken:');
  });
});
