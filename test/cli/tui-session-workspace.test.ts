import { existsSync, realpathSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { markerPlan, proposal, reflectionReply } from '../helpers/chat-script.js';
import { runKsa } from '../helpers/cli.js';
import { labStdio, writeWorkspaceConfig } from '../helpers/mcp.js';

// A continued session (--continue, --session) works in the workspace it was started in: its waiting plan was
// made for that folder, so approving it from another folder runs it there, not where the chat was reopened.

const WHERE_PLAN = { goal: 'Where am I', steps: [{ id: 'here', tool: 'shell', args: { command: 'touch marker-where' } }] };
const flat = (screen: string) => screen.replace(/\s+/g, ' ');

describe.concurrent('ksa chat: the workspace of a continued session', () => {
  it("--continue from another folder works in the session's workspace, says so in the header, and runs the waiting plan there", async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const chat = await harness.open();
    harness.server.enqueue(...proposal('where', WHERE_PLAN));
    await chat.send('deploy where');
    await chat.waitForScreen('run? [y/n/e]');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });

    const elsewhere = path.join(path.dirname(home), 'elsewhere');
    await mkdir(elsewhere);
    const again = await harness.open(['--continue'], { cwd: elsewhere });
    const screen = flat(await again.waitForScreen('run? [y/n/e]'));
    expect(screen).toContain(`workspace ${home}`);
    expect(screen).toContain(`the session's own workspace, not the current folder ${elsewhere}; --workspace . would use that`);
    harness.server.enqueue(reflectionReply());
    await again.send('y');
    await again.waitForScreen(/✓ Run \S+ succeeded/, 10_000);
    expect(existsSync(path.join(home, 'marker-where'))).toBe(true);
    expect(existsSync(path.join(elsewhere, 'marker-where'))).toBe(false);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('--workspace that differs from the session\'s own is used, with a warning that the plans were made for the other folder', async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const chat = await harness.open();
    await chat.send('/help');
    await chat.waitForScreen('Commands: /help');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
    const other = path.join(path.dirname(home), 'other');
    await mkdir(other);
    const again = await harness.open(['--continue', '--workspace', other]);
    const screen = flat(await again.screen());
    expect(screen).toContain(`workspace ${other}`);
    expect(screen).toContain(`! this session's plans were made for ${home}; they run in ${other} (--workspace)`);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it("/sessions <id> switches to the session's own workspace, as --session does: the header and a notice say it, and its waiting plan runs there", async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const chat = await harness.open();
    harness.server.enqueue(...proposal('where', WHERE_PLAN));
    await chat.send('deploy where');
    const id = /session (\d{8}-[0-9a-f]{6})/.exec(await chat.waitForScreen('run? [y/n/e]'))![1]!;
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });

    const elsewhere = path.join(path.dirname(home), 'elsewhere');
    await mkdir(elsewhere);
    const other = await harness.open([], { cwd: elsewhere });
    await other.send(`/sessions ${id}`);
    await other.waitForScreen('run? [y/n/e]');
    const screen = flat(await other.waitForScreen("the session's own workspace"));
    expect(screen).toContain(`workspace ${home}`);
    expect(screen).toContain(`the session's own workspace, not the current folder ${elsewhere}`);
    // An open chat takes no --workspace: the notice says what does.
    expect(screen).toContain(`to work there instead, quit and run ksa chat --session ${id} --workspace .`);
    expect(screen).not.toContain('--workspace . would use that one');
    harness.server.enqueue(reflectionReply());
    await other.send('y');
    await other.waitForScreen(/✓ Run \S+ succeeded/, 10_000);
    expect(existsSync(path.join(home, 'marker-where'))).toBe(true);
    expect(existsSync(path.join(elsewhere, 'marker-where'))).toBe(false);
    expect(await other.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/sessions <id> to a folder whose MCP servers are trusted after the chat said how (ksa mcp trust --workspace) uses them on the next switch there', async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const shop = path.join(path.dirname(home), 'shop');
    await mkdir(shop);
    const first = await harness.open([], { cwd: shop });
    await first.send('/help');
    const id = /session (\d{8}-[0-9a-f]{6})/.exec(await first.waitForScreen('Commands: /help'))![1]!;
    expect(await first.quit()).toMatchObject({ exitCode: 0 });
    await writeWorkspaceConfig(shop, { dsrv: labStdio() });

    const chat = await harness.open();
    await chat.send(`/sessions ${id}`);
    expect(flat(await chat.waitForScreen('are not used until you trust them', 30_000))).toContain(`ksa mcp trust --workspace ${shop}`);
    const trusted = await runKsa(['mcp', 'trust', '--workspace', shop], { home: harness.sandbox.home, env: harness.env });
    expect(trusted.code, trusted.stderr).toBe(0);

    await chat.send('/new');
    await chat.waitForScreen(new RegExp(`session (?!${id})\\d{8}-[0-9a-f]{6} · ready`), 30_000);
    await chat.send(`/sessions ${id}`);
    await chat.waitForScreen(`session ${id} · ready`, 30_000);
    const before = harness.server.requests.length;
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]', 30_000);
    const planner = harness.server.requests.slice(before).find((request) => request.rawBody.includes('You are the planner of KubeStack AI'));
    expect(planner?.rawBody).toContain('dsrv__echo');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/sessions <id> of a session whose folder is gone works in the chat\'s folder, and says so', async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const gone = path.join(path.dirname(home), 'gone');
    await mkdir(gone);
    const chat = await harness.open([], { cwd: gone });
    await chat.send('/help');
    const id = /session (\d{8}-[0-9a-f]{6})/.exec(await chat.waitForScreen('Commands: /help'))![1]!;
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
    await rm(gone, { recursive: true });

    const other = await harness.open();
    await other.send(`/sessions ${id}`);
    const screen = flat(await other.waitForScreen('no longer exists'));
    expect(screen).toContain(`the session was started in ${gone}, which no longer exists; it works in ${home} now`);
    expect(await other.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a new chat in its own folder says nothing about the workspace', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    const screen = flat(await chat.screen());
    expect(screen).toContain(`workspace ${realpathSync(harness.sandbox.dir)}`);
    expect(screen).not.toContain("the session's own workspace");
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
