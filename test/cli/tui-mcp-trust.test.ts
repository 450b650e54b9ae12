import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor, chatTerminal } from '../helpers/chat-pty.js';
import { markerPlan, proposal } from '../helpers/chat-script.js';
import { labStdio, writeUserConfig, writeWorkspaceConfig } from '../helpers/mcp.js';
import { spawnKsaPty } from '../helpers/pty.js';

// The chat asks once whether to use the servers of the workspace's .mcp.json; yes makes their tools the planner's.

describe('ksa chat with a workspace .mcp.json', () => {
  it('asks to trust its servers; after yes, the planner is told about their tools', async (context) => {
    const harness = await chatHarnessFor(context);
    await writeWorkspaceConfig(harness.sandbox.dir, { repo: labStdio() });
    const term = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, timeoutMs: 60_000, env: harness.env });
    context.onTestFinished(() => term.dispose());
    const chat = chatTerminal(term);
    const question = await chat.waitForScreen('Trust them and use their tools? [y/N]', 30_000);
    expect(question).toContain(`${path.join(harness.sandbox.dir, '.mcp.json')} defines MCP servers that ksa would start:`);
    expect(question).toMatch(/repo: .*lab-server\.mjs/);
    term.write('y\r');
    await chat.waitForScreen('KubeStack AI', 30_000);
    const trust = JSON.parse(await readFile(path.join(harness.sandbox.home, 'mcp-trust.json'), 'utf8')) as { workspaces: Record<string, { servers: string[] }> };
    expect(trust.workspaces[harness.sandbox.dir]?.servers).toEqual(['repo']);

    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]', 30_000);
    const planner = harness.server.requests.find((request) => request.rawBody.includes('You are the planner of KubeStack AI'));
    expect(planner?.rawBody).toContain('repo__echo (steps: read): Echo the text back');
    expect((await chat.quit()).exitCode).toBe(0);
  });
});

describe('ksa chat with an MCP server that cannot start', () => {
  it('draws its frame first, then says which server failed in the chat (not on stderr under the TUI); the chat goes on', async (context) => {
    const harness = await chatHarnessFor(context);
    await writeUserConfig(harness.sandbox.home, { broken: { command: path.join(harness.sandbox.dir, 'no-such-server') } });
    const chat = await harness.open();
    const screen = await chat.waitForScreen('MCP server "broken"', 30_000);
    expect(screen).toMatch(/! MCP server "broken" [\s\S]*not\s+found/);
    expect(screen).toContain('KubeStack AI');
    expect(screen).not.toContain('ksa: warning');

    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]', 30_000);
    expect((await chat.quit()).exitCode).toBe(0);
  });
});
