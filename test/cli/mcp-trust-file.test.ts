import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { labStdio, writeWorkspaceConfig } from '../helpers/mcp.js';

// $KSA_HOME/mcp-trust.json holds the trust of every workspace: several terminals trusting at once
// each keep theirs, and a file that cannot be read is kept aside, not written over.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-trust-file-');
});
afterAll(() => sandbox.cleanup());

async function workspaces(group: string, count: number): Promise<string[]> {
  const dirs = Array.from({ length: count }, (_, n) => path.join(sandbox.dir, group, `w${n}`));
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    await writeWorkspaceConfig(dir, { lab: labStdio() });
  }
  return dirs;
}

const trusted = async (home: string) => Object.keys((JSON.parse(await readFile(path.join(home, 'mcp-trust.json'), 'utf8')) as { workspaces: object }).workspaces).sort();

describe('the trust file', () => {
  it('eight ksa mcp trust at once: every workspace is recorded', async () => {
    const home = path.join(sandbox.home, 'parallel');
    const dirs = await workspaces('parallel', 8);
    const results = await Promise.all(dirs.map((dir) => runKsa(['mcp', 'trust'], { home, cwd: dir, timeoutMs: 60_000 })));
    for (const result of results) expect(result.code, describeResult(result)).toBe(0);
    expect(await trusted(home)).toEqual([...dirs].sort());
    expect((await readdir(home)).filter((name) => name.includes('lock'))).toEqual([]);
  });

  it('a lock held by a live process that is not ksa (a pid reused after a crash): the wait is said, naming the holder, then the lock is taken over', async () => {
    const home = path.join(sandbox.home, 'held');
    const [dir] = await workspaces('held', 1);
    await mkdir(home, { recursive: true });
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const lock = path.join(home, '.mcp-trust.json.lock');
      await writeFile(lock, String(holder.pid));
      // 13 s old: taken over within the test's time, after the one-second notice.
      const old = new Date(Date.now() - 13_000);
      await utimes(lock, old, old);
      const trust = await runKsa(['mcp', 'trust'], { home, cwd: dir!, timeoutMs: 60_000 });
      expect(trust.code, describeResult(trust)).toBe(0);
      expect(trust.stderr).toContain(`ksa: warning: waiting for ${lock}, held by process ${holder.pid} (ksa takes it over once it is 15 s old)\n`);
      expect(await trusted(home)).toEqual([dir!]);
    } finally {
      holder.kill();
    }
  });

  it('cut short: ksa mcp list says it cannot be read; ksa mcp trust moves it aside, says where, and trusts anew', async () => {
    const home = path.join(sandbox.home, 'broken');
    const [first, second] = await workspaces('broken', 2);
    for (const dir of [first!, second!]) expect((await runKsa(['mcp', 'trust'], { home, cwd: dir, timeoutMs: 60_000 })).code).toBe(0);
    const file = path.join(home, 'mcp-trust.json');
    const whole = await readFile(file, 'utf8');
    await writeFile(file, whole.slice(0, 40));

    const problem = `${file}: cannot read it (not valid JSON); no workspace's MCP servers count as trusted until it is fixed, or they are trusted again`;
    const list = await runKsa(['mcp', 'list'], { home, cwd: first!, timeoutMs: 60_000 });
    expect(list.stdout).toContain(`! ${problem}\n`);
    expect(list.stdout).toMatch(/not trusted/);
    const tools = await runKsa(['tools'], { home, cwd: first!, timeoutMs: 60_000 });
    expect(tools.stderr).toContain(`ksa: warning: ${problem}\n`);

    const trust = await runKsa(['mcp', 'trust'], { home, cwd: first!, timeoutMs: 60_000 });
    expect(trust.code, describeResult(trust)).toBe(0);
    const backup = (await readdir(home)).find((name) => name.startsWith('mcp-trust.json.corrupt-'));
    expect(backup).toBeDefined();
    expect(trust.stderr).toContain(`ksa: warning: ${file}: cannot read it (not valid JSON); moved it to ${path.join(home, backup!)}: the workspaces trusted in it need trusting again (this one is)\n`);
    expect(await readFile(path.join(home, backup!), 'utf8')).toBe(whole.slice(0, 40));
    expect(await trusted(home)).toEqual([first!]);
  });

  it('a folder in its place: moved aside too, and the trust is written', async () => {
    const home = path.join(sandbox.home, 'folder');
    const [dir] = await workspaces('folder', 1);
    await mkdir(path.join(home, 'mcp-trust.json'), { recursive: true });
    const trust = await runKsa(['mcp', 'trust'], { home, cwd: dir!, timeoutMs: 60_000 });
    expect(trust.code, describeResult(trust)).toBe(0);
    expect(trust.stderr).toMatch(/cannot read it \(a directory, not a regular file\); moved it to .*mcp-trust\.json\.corrupt-/);
    const aside = (await readdir(home)).find((name) => name.startsWith('mcp-trust.json.corrupt-'))!;
    expect((await stat(path.join(home, aside))).mode & 0o777).toBe(0o700);
    expect(await trusted(home)).toEqual([dir!]);
    await rm(home, { recursive: true, force: true });
  });
});
