import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';

// A plan in a subfolder has that folder as its workspace: the current folder's .ksa/policy.yaml does not
// hold for it, and validate, run and policy check say so in one line instead of staying silent.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-policy-subfolder-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const NOTE = "ksa: note: ./.ksa/policy.yaml does not apply to this plan: its workspace is deploy/ (the plan's folder); pass --workspace . to apply it";

describe("a plan in a subfolder of a folder with .ksa/policy.yaml", () => {
  it('is said not to be under that policy by validate, run and policy check; --workspace . applies it; from its own folder nothing is said', async () => {
    const plan = await sandbox.writePlan('repo/deploy/p.yaml', 'goal: Sub\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch marker" }\n');
    const repo = path.dirname(path.dirname(plan));
    mkdirSync(path.join(repo, '.ksa'), { recursive: true });
    writeFileSync(path.join(repo, '.ksa', 'policy.yaml'), 'deny:\n  - shell: "touch marker*"\n');
    const home = path.join(sandbox.home, 'subfolder');
    mkdirSync(home, { recursive: true });

    for (const args of [['validate', 'deploy/p.yaml'], ['policy', 'check', 'deploy/p.yaml'], ['run', 'deploy/p.yaml', '--dry-run']]) {
      const result = await runKsa(args, { home, cwd: repo });
      expect(result.stderr.split('\n').filter((line) => line.startsWith('ksa: note:')), args.join(' ')).toEqual([NOTE]);
    }
    const applied = await runKsa(['validate', 'deploy/p.yaml', '--workspace', '.'], { home, cwd: repo });
    expect(applied.code).toBe(2);
    expect(applied.stderr + applied.stdout).toMatch(/denied by deny shell: "touch marker\*"/);
    expect(applied.stderr).not.toContain('ksa: note:');
    const inOwnFolder = await runKsa(['validate', 'p.yaml'], { home, cwd: path.join(repo, 'deploy') });
    expect(inOwnFolder.code).toBe(0);
    expect(inOwnFolder.stderr).not.toContain('ksa: note:');
  });
});
