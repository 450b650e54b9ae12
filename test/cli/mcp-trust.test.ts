import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { LAB_SERVER, labStdio, writeUserConfig, writeWorkspaceConfig } from '../helpers/mcp.js';
import { describeTarget } from '../../src/tools/mcp/config.js';
import { waitFor } from '../helpers/tool-context.js';

// A workspace's .mcp.json runs commands from the repository: nothing of it starts before `ksa mcp trust`.

let sandbox: CliSandbox;
let marks: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-trust-');
  marks = path.join(sandbox.dir, 'marks');
  await sandbox.writePlan('marks/.keep', '');
  await writeWorkspaceConfig(sandbox.dir, { repo: labStdio({ env: { LAB_MARK_DIR: marks } }) });
  await sandbox.writePlan('plan.yaml', 'goal: Use the repository server\nsteps:\n  - id: hello\n    tool: repo__echo\n    args: { text: hi }\n');
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });

const serverStarts = async () => (await readdir(marks)).filter((name) => name.startsWith('server-')).length;

describe('trusting a workspace .mcp.json', () => {
  it('names untrusted servers, starts nothing and points to ksa mcp trust', async () => {
    const validate = await ksa('validate', 'plan.yaml');
    expect(validate.code, describeResult(validate)).toBe(2);
    const file = path.join(sandbox.dir, '.mcp.json');
    expect(validate.stdout).toContain(`steps[0].tool: MCP server "repo" (${describeTarget({ kind: 'stdio', command: process.execPath, args: [LAB_SERVER] } as never)}) `);
    expect(validate.stdout).toContain(`from ${file} is not trusted yet: review that file, then run "ksa mcp trust" in ${sandbox.dir}`);
    expect(validate.stderr).toContain(`ksa: warning: MCP servers in ${file} are not used until you trust them: repo; review the file, then run "ksa mcp trust"`);
    // From another folder, the command to run names the workspace inside the quotes: it is copied whole.
    const elsewhere = await runKsa(['validate', path.join(sandbox.dir, 'plan.yaml'), '--workspace', sandbox.dir], { home: sandbox.home, cwd: path.dirname(sandbox.dir), timeoutMs: 60_000 });
    expect(elsewhere.stderr).toContain(`then run "ksa mcp trust --workspace ${sandbox.dir}"`);

    const run = await ksa('run', 'plan.yaml', '--yes');
    expect(run.code, describeResult(run)).toBe(2);
    const list = await ksa('mcp', 'list');
    expect(list.stdout).toMatch(/^repo \(workspace, .*\): not trusted: review .*\.mcp\.json, then run "ksa mcp trust"$/m);
    expect(await serverStarts()).toBe(0);
  });

  it('ksa mcp trust keeps the decision in KSA_HOME; the servers are then used', async () => {
    const trust = await ksa('mcp', 'trust', '--json');
    expect(trust.code, describeResult(trust)).toBe(0);
    expect(JSON.parse(trust.stdout)).toMatchObject({ workspace: sandbox.dir, trusted: true, alreadyTrusted: false, servers: ['repo'] });
    expect((await stat(path.join(sandbox.home, 'mcp-trust.json'))).mode & 0o777).toBe(0o600);

    const run = await ksa('run', 'plan.yaml', '--yes');
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stderr).not.toContain('not trusted');
    expect(await serverStarts()).toBe(1);
  });

  it('asks again once the file changes', async () => {
    await writeWorkspaceConfig(sandbox.dir, { repo: labStdio({ env: { LAB_MARK_DIR: marks, LAB_PREFIX: 'changed:' } }) });
    const validate = await ksa('validate', 'plan.yaml');
    expect(validate.code, describeResult(validate)).toBe(2);
    expect(validate.stdout).toContain('is not trusted yet');
    const trust = await ksa('mcp', 'trust');
    expect(trust.code, describeResult(trust)).toBe(0);
    expect(trust.stdout).toContain(`✓ Trusted: the MCP servers of ${path.join(sandbox.dir, '.mcp.json')}`);
    expect((await ksa('validate', 'plan.yaml')).code).toBe(0);
  });

  it('refuses to trust a folder without servers', async () => {
    const empty = path.join(sandbox.dir, 'empty');
    await sandbox.writePlan('empty/.keep', '');
    const result = await ksa('mcp', 'trust', '--workspace', empty);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ksa: ${path.join(empty, '.mcp.json')}: no MCP servers to trust (no such file, or no "mcpServers" in it)\n`);
  });

  it('a server config.json also defines: trust says it is ignored and why, as ksa mcp list does', async () => {
    const home = path.join(sandbox.dir, 'shadow-home');
    const shadow = path.join(sandbox.dir, 'shadow');
    await writeUserConfig(home, { qa: labStdio() });
    await writeWorkspaceConfig(shadow, { qa: labStdio(), repo: labStdio() });
    const result = await runKsa(['mcp', 'trust', '--workspace', shadow], { home, cwd: sandbox.dir, timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('  qa: ignored, $KSA_HOME/config.json defines a server of that name\n');
    expect(result.stdout).toMatch(/^ {2}repo: /m);
  });

  it('a .mcp.json that is not valid JSON: says so (not that there is nothing to trust), exit 2', async () => {
    const broken = path.join(sandbox.dir, 'broken');
    await sandbox.writePlan('broken/.mcp.json', '{"mcpServers": ');
    const result = await ksa('mcp', 'trust', '--workspace', broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^ksa: ${path.join(broken, '.mcp.json').replace(/[.]/g, '\\.')}: not valid JSON \\(.*\\); fix it, then trust it\n$`));
  });

  it('stops the servers it started when ksa is interrupted (Ctrl-C)', async () => {
    await writeFile(
      path.join(sandbox.dir, 'slow.yaml'),
      'goal: Wait on the repository server\nsteps:\n  - id: wait\n    tool: repo__slow\n    args: { ms: 30000 }\n',
    );
    const before = new Set(await readdir(marks));
    const ksaProcess = startKsa(['run', 'slow.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });
    await ksaProcess.waitForOutput((stdout) => stdout.includes('"step_started"'), 30_000);
    const started = (await readdir(marks)).filter((name) => name.startsWith('server-') && !before.has(name));
    expect(started).toHaveLength(1);
    const pid = Number(started[0]!.slice('server-'.length));
    ksaProcess.kill('SIGINT');
    const result = await ksaProcess.result;
    expect(result.code, describeResult(result)).toBe(130);
    expect(
      await waitFor(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 5000),
    ).toBe(true);
  });
});
