import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { createCliSandbox } from '../helpers/cli.js';
import { spawnKsaPty } from '../helpers/pty.js';

// The chat draws its first frame before it loads its tools and policy; a broken policy file then ends it
// with the file's one-line error and the contract's exit code, as any other command.

describe('ksa chat with a broken policy file', () => {
  it('ends with the file, line and problem in one line, exit 2, and no stack trace', async (context) => {
    const harness = await chatHarnessFor(context);
    await mkdir(harness.sandbox.home, { recursive: true });
    const policyFile = path.join(harness.sandbox.home, 'policy.yaml');
    await writeFile(policyFile, 'rules: [ {{{\n');
    const term = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, timeoutMs: 60_000, env: harness.env });
    context.onTestFinished(() => term.dispose());
    const exit = await term.exited;
    expect(exit).toMatchObject({ exitCode: 2, timedOut: false });
    const screen = await term.screen();
    expect(screen).toContain('KubeStack AI');
    const errors = screen.split('\n').filter((line) => line.includes('ksa: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${policyFile}:`);
    expect(errors[0]).toContain('YAML syntax error');
    expect(term.raw()).not.toMatch(/\bat .*\.js:\d+/);
    // Nothing ran, no run was recorded, and no empty session was left behind (it is created once the engine has started).
    const home = await readdir(harness.sandbox.home);
    expect(home).not.toContain('runs');
    expect(home).not.toContain('conversations');
  });
});

describe('ksa chat --workspace that is no folder', () => {
  it('ends with the one-line error of every other command, exit 2, before the chat draws', async (context) => {
    const sandbox = await createCliSandbox();
    context.onTestFinished(() => sandbox.cleanup());
    const term = spawnKsaPty(['chat', '--workspace', 'wss'], { cwd: sandbox.dir, home: sandbox.home, timeoutMs: 60_000 });
    context.onTestFinished(() => term.dispose());
    expect(await term.exited).toMatchObject({ exitCode: 2, timedOut: false });
    const screen = await term.screen();
    expect(screen.split('\n').filter((line) => line.trim() !== '')).toEqual([`ksa: --workspace ${path.join(sandbox.dir, 'wss')}: no such directory`]);
  });

  it('TERM=dumb: the chat, which moves the cursor, says so and points to ksa ask, exit 2', async (context) => {
    const sandbox = await createCliSandbox();
    context.onTestFinished(() => sandbox.cleanup());
    const term = spawnKsaPty(['chat'], { cwd: sandbox.dir, home: sandbox.home, timeoutMs: 60_000, env: { TERM: 'dumb' } });
    context.onTestFinished(() => term.dispose());
    expect(await term.exited).toMatchObject({ exitCode: 2, timedOut: false });
    const screen = (await term.screen()).replace(/\s+/g, ' ').trim();
    expect(screen).toBe('ksa: ksa chat needs a terminal that can move its cursor, and TERM=dumb says this one cannot. Use ksa ask "<message>" for one chat turn here, or run ksa chat in a full terminal.');
  });
});
