import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// ksa's settings files as users' machines have them: a FIFO made by a tool (or by mistake) in their
// place, or a byte-order mark that a Windows editor wrote. Neither may hang ksa or stop it silently.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-settings-kinds-');
});
afterAll(() => sandbox.cleanup());

const PLAN = 'goal: Say hello\nsteps:\n  - id: hello\n    tool: shell\n    args: { command: "echo hello" }\n';

async function workspace(name: string): Promise<{ dir: string; home: string; plan: string }> {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  return { dir: path.dirname(plan), home, plan };
}

describe.concurrent('settings files that are not regular files, or start with a byte-order mark', () => {
  it('a FIFO as config.json: ksa validate does not wait on it, ksa run says what it is in one line (exit 2)', async () => {
    const { dir, home, plan } = await workspace('fifo-config');
    execFileSync('mkfifo', [path.join(home, 'config.json')]);
    const validate = await runKsa(['validate', plan], { home, cwd: dir, timeoutMs: 15_000 });
    expect(validate.timedOut, describeResult(validate)).toBe(false);
    expect(validate.code).toBe(0);
    const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir, timeoutMs: 15_000 });
    expect(run.timedOut, describeResult(run)).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`ksa: ${path.join(home, 'config.json')}: cannot read it (a FIFO (named pipe), not a regular file)\n`);
  });

  it("a FIFO as the workspace's .mcp.json or as mcp-trust.json: a warning or no trust, never a hang", async () => {
    const { dir, home } = await workspace('fifo-mcp');
    execFileSync('mkfifo', [path.join(dir, '.mcp.json')]);
    const tools = await runKsa(['tools'], { home, cwd: dir, timeoutMs: 15_000 });
    expect(tools.timedOut, describeResult(tools)).toBe(false);
    expect(tools.code).toBe(0);
    expect(tools.stderr).toContain(`ksa: warning: ${path.join(dir, '.mcp.json')}: cannot read it (a FIFO (named pipe), not a regular file)\n`);

    const other = await workspace('fifo-trust');
    writeFileSync(path.join(other.dir, '.mcp.json'), '{"mcpServers":{"lab":{"command":"node","args":["x.mjs"]}}}');
    execFileSync('mkfifo', [path.join(other.home, 'mcp-trust.json')]);
    const validate = await runKsa(['validate', other.plan], { home: other.home, cwd: other.dir, timeoutMs: 15_000 });
    expect(validate.timedOut, describeResult(validate)).toBe(false);
    expect(validate.code).toBe(0);
  });

  it('config.json and .mcp.json with a UTF-8 byte-order mark are read as without it', async () => {
    const { dir, home, plan } = await workspace('bom');
    writeFileSync(path.join(home, 'config.json'), '\ufeff{ "model": "from-config" }\n');
    writeFileSync(path.join(dir, '.mcp.json'), '\ufeff{ "mcpServers": {} }\n');
    const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stderr).not.toMatch(/not valid JSON|warning/);
    expect(readFileSync(path.join(home, 'config.json'), 'utf8').charCodeAt(0)).toBe(0xfeff);
  });

  it('config.json that is not JSON, or JSON that is not an object: ksa run refuses before it shows the plan, in one line', async () => {
    for (const [name, text, why] of [
      ['not-json', '{not json', 'not valid JSON'],
      ['array', '[1, 2]', 'expected an object of settings, got an array'],
    ] as const) {
      const { dir, home, plan } = await workspace(`config-${name}`);
      writeFileSync(path.join(home, 'config.json'), text);
      const run = await runKsa(['run', plan, '--yes'], { home, cwd: dir, timeoutMs: 15_000 });
      expect(run.code, describeResult(run)).toBe(2);
      expect(run.stderr).toContain(`ksa: ${path.join(home, 'config.json')}: cannot read it (${why})\n`);
      expect(run.stderr).not.toMatch(/Plan:|hello/);
    }
  });
});
