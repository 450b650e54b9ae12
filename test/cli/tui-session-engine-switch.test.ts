import { realpathSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { markerPlan, proposal } from '../helpers/chat-script.js';
import { runKsa } from '../helpers/cli.js';
import { labStdio, writeWorkspaceConfig } from '../helpers/mcp.js';

// One engine per workspace: /sessions <id> to a session of another folder closes the engine it leaves (its MCP
// servers stop), and what is asked after the switch is planned with the new folder's tools only.

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pids of the lab servers started with this mark folder (each writes server-<pid> as it starts). */
async function serverPids(marks: string): Promise<number[]> {
  return (await readdir(marks)).filter((name) => name.startsWith('server-')).map((name) => Number(name.slice('server-'.length)));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ksa chat: /sessions <id> to another workspace', () => {
  it("stops the MCP servers of the engine it leaves, plans with the new folder's tools, and starts the first folder's again on the way back", async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const shop = path.join(path.dirname(home), 'shop');
    const marksHome = path.join(path.dirname(home), 'marks-home');
    const marksShop = path.join(path.dirname(home), 'marks-shop');
    await Promise.all([mkdir(marksHome), mkdir(marksShop)]);
    await writeWorkspaceConfig(home, { asrv: labStdio({ env: { LAB_MARK_DIR: marksHome } }) });
    await writeWorkspaceConfig(shop, { bsrv: labStdio({ env: { LAB_MARK_DIR: marksShop } }) });
    for (const folder of [home, shop]) {
      const trusted = await runKsa(['mcp', 'trust', '--workspace', folder], { home: harness.sandbox.home, env: harness.env });
      expect(trusted.code, trusted.stderr).toBe(0);
    }
    const first = await harness.open([], { cwd: shop });
    await first.send('/help');
    const shopId = /session (\d{8}-[0-9a-f]{6})/.exec(await first.waitForScreen('Commands: /help'))![1]!;
    expect(await first.quit()).toMatchObject({ exitCode: 0 });
    const shopPidsBefore = await serverPids(marksShop);

    const chat = await harness.open();
    const homeId = /session (\d{8}-[0-9a-f]{6})/.exec(await chat.waitForScreen(/session \d{8}-[0-9a-f]{6} · ready/, 30_000))![1]!;
    const [homePid] = await until('the home server', async () => ((await serverPids(marksHome)).length > 0 ? serverPids(marksHome) : undefined));
    expect(alive(homePid!)).toBe(true);

    await chat.send(`/sessions ${shopId}`);
    await chat.waitForScreen(`session ${shopId} · ready`, 30_000);
    const shopPid = await until('the shop server', async () => (await serverPids(marksShop)).find((pid) => !shopPidsBefore.includes(pid)));
    await until('the home server to stop', async () => (alive(homePid!) ? undefined : true));
    expect(alive(shopPid)).toBe(true);

    const before = harness.server.requests.length;
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]', 30_000);
    const planner = harness.server.requests.slice(before).find((request) => request.rawBody.includes('You are the planner of KubeStack AI'));
    expect(planner?.rawBody).toContain('bsrv__echo');
    expect(planner?.rawBody).not.toContain('asrv__echo');

    // Back in the chat's own folder: its servers start again (a new process), and the shop's stop.
    await chat.send(`/sessions ${homeId}`);
    await chat.waitForScreen(`session ${homeId} · ready`, 30_000);
    const homeAgain = await until('the home server again', async () => (await serverPids(marksHome)).find((pid) => pid !== homePid));
    await until('the shop server to stop', async () => (alive(shopPid) ? undefined : true));
    expect(alive(homeAgain)).toBe(true);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  }, 120_000);

  it('a message sent while the switch starts the other folder\'s servers is planned in the session switched to, with its tools', async (context) => {
    const harness = await chatHarnessFor(context);
    const home = realpathSync(harness.sandbox.dir);
    const shop = path.join(path.dirname(home), 'shop');
    await writeWorkspaceConfig(home, { asrv: labStdio() });
    // A server that never answers: the switch takes its start timeout (3 s) before the session opens.
    await writeWorkspaceConfig(shop, { slow: labStdio({ env: { LAB_HANG: '1' }, startupTimeoutMs: 3000 }) });
    for (const folder of [home, shop]) {
      const trusted = await runKsa(['mcp', 'trust', '--workspace', folder], { home: harness.sandbox.home, env: harness.env });
      expect(trusted.code, trusted.stderr).toBe(0);
    }
    const first = await harness.open([], { cwd: shop });
    await first.send('/help');
    const shopId = /session (\d{8}-[0-9a-f]{6})/.exec(await first.waitForScreen('Commands: /help'))![1]!;
    expect(await first.quit()).toMatchObject({ exitCode: 0 });

    const chat = await harness.open();
    await chat.waitForScreen(/session \d{8}-[0-9a-f]{6} · ready/, 30_000);
    const before = harness.server.requests.length;
    await chat.send(`/sessions ${shopId}`);
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    const screen = await chat.waitForScreen('run? [y/n/e]', 30_000);
    expect(screen).toContain(`session ${shopId}`);
    const planner = harness.server.requests.slice(before).find((request) => request.rawBody.includes('You are the planner of KubeStack AI'));
    expect(planner?.rawBody).toBeDefined();
    expect(planner?.rawBody).not.toContain('asrv__echo');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  }, 120_000);
});
