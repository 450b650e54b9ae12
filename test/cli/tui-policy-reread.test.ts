import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor, type ChatHarness } from '../helpers/chat-pty.js';
import { proposal, reflectionReply } from '../helpers/chat-script.js';

// The permission policy is read again when a plan is proposed, edited or approved: a rule
// written while the chat is open holds for the plan waiting on screen.

const PLAN = { goal: 'Leave a marker', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marker-denied' } }] };

async function writePolicy(harness: ChatHarness, text: string): Promise<void> {
  await mkdir(path.join(harness.sandbox.dir, '.ksa'), { recursive: true });
  await writeFile(path.join(harness.sandbox.dir, '.ksa', 'policy.yaml'), text);
}

describe.concurrent('ksa chat reads the policy again', () => {
  it('a deny rule added while the plan waits refuses it at y, and an edit that brings the command in is denied', async (context) => {
    const harness = await chatHarnessFor(context);
    const editor = await harness.script('edit-plan.sh', `sed -i 's/touch marker-denied/touch marker-edited/' "$1"`);
    const chat = await harness.open([], { env: { EDITOR: editor } });
    harness.server.enqueue(...proposal('leave a marker', PLAN));
    await chat.send('leave a marker');
    await chat.waitForScreen('run? [y/n/e]');
    await writePolicy(harness, 'deny:\n  - { shell: "touch marker-*" }\n');
    await chat.send('e');
    const edited = await chat.waitForScreen('Your edited plan has 1 problem:');
    expect(edited).toContain('steps[0]: shell touch marker-edited: denied by deny shell: "touch marker-*"');
    await chat.waitForBottom(/edit\? \[e\/n\]/);
    await chat.send('n');
    await chat.waitForBottom(/run\? \[y\/n\/e\]/);
    await chat.send('y');
    const screen = await chat.waitForScreen('Not run: the permission policy denies this plan.');
    expect(screen).toContain('shell touch marker-denied: denied by deny shell: "touch marker-*"');
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-denied'))).toBe(false);
    expect(existsSync(path.join(harness.sandbox.home, 'runs'))).toBe(false);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a policy file that became invalid keeps the plan from running, with the file’s error; fixed, the plan runs', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    harness.server.enqueue(...proposal('leave a marker', PLAN));
    await chat.send('leave a marker');
    await chat.waitForScreen('run? [y/n/e]');
    await writePolicy(harness, 'deny: [ { shell: \n');
    await chat.send('y');
    const screen = await chat.waitForScreen('Could not check the plan against the permission policy:');
    expect(screen).toContain(path.join('.ksa', 'policy.yaml'));
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-denied'))).toBe(false);
    await writePolicy(harness, 'deny:\n  - { shell: "rm -rf *" }\n');
    harness.server.enqueue(reflectionReply());
    await chat.send('y');
    await chat.waitForScreen('Reflection on run', 15_000);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-denied'))).toBe(true);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
