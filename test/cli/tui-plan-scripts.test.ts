import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { proposal } from '../helpers/chat-script.js';

// A script one step of a plan writes and another runs is rated by its lines on the chat's card too.

describe.concurrent('ksa chat rates a script the plan writes, then runs', () => {
  it('/approve write: the card shows the script and says which line destroys, and the plan waits for y', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    await chat.send('/approve write');
    await chat.waitForScreen('Approval mode write');
    const plan = {
      goal: 'Write and run a script',
      steps: [
        { id: 'script', tool: 'write_file', args: { path: 'deploy.sh', content: '#!/bin/sh\necho deploying\nrm -rf victim\n' } },
        { id: 'run', tool: 'shell', args: { command: 'sh deploy.sh' }, dependsOn: ['script'] },
      ],
    };
    await mkdir(path.join(harness.sandbox.dir, 'victim'));
    harness.server.enqueue(...proposal('write and run a script', plan));
    await chat.send('deploy with a script');
    const screen = await chat.waitForScreen(/destroy: runs deploy\.sh, which step script writes: rm -rf/, 10_000);
    await chat.waitForBottom(/run\? \[y\/n\/e\]/);
    expect(screen).not.toContain('Runs without asking');
    expect(screen).toMatch(/\| rm -rf victim/);
    expect(existsSync(path.join(harness.sandbox.dir, 'victim'))).toBe(true);
    await chat.send('n');
    await chat.waitForScreen('Plan rejected; nothing was run.');
    expect(existsSync(path.join(harness.sandbox.dir, 'deploy.sh'))).toBe(false);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
