import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';

// An `ask` rule holds a command built from a step's output as it holds one written in the plan:
// it does not run in a run the approval mode let through without a question.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-policy-built-ask-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

async function workspace(name: string, plan: string, policy: string): Promise<{ dir: string; home: string; plan: string; policyFile: string }> {
  const planFile = await sandbox.writePlan(`${name}/ws/plan.yaml`, plan);
  const dir = path.dirname(planFile);
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(home, { recursive: true });
  const policyFile = path.join(home, 'policy.yaml');
  await writeFile(policyFile, policy);
  return { dir, home, plan: planFile, policyFile };
}

const SHELL_PLAN = `goal: Ask at run time
steps:
  - id: pick
    tool: shell
    args: { command: "echo asked1" }
  - id: use
    tool: shell
    dependsOn: [pick]
    args: { command: "touch {{ steps.pick.output.stdout.trim() }}" }
`;

const KUBECTL_PLAN = `goal: Ask at run time
steps:
  - id: pick
    tool: shell
    args: { command: "echo prod" }
  - id: use
    tool: kubectl
    dependsOn: [pick]
    args: { args: [create, configmap, x, --dry-run=client, -o, yaml], namespace: "{{ steps.pick.output.stdout.trim() }}" }
`;

function failures(stdout: string): { stepId?: string; error?: unknown }[] {
  return eventsOf(parseNdjson(stdout), 'step_failed');
}

describe('a command built at run time that an ask rule holds', { timeout: 120_000 }, () => {
  it('fails its step, naming the rule and its file:line, when --approve write let the run through; with --yes it runs', async () => {
    const ws = await workspace('shell', SHELL_PLAN, 'ask:\n  - shell: "touch asked*"\n');
    const held = await runKsa(['run', ws.plan, '--approve', 'write', '--json'], { home: ws.home, cwd: ws.dir, env: { CI: 'true' } });
    expect(held.code, describeResult(held)).toBe(1);
    expect(held.stderr).toContain('Approved by the policy');
    expect(failures(held.stdout)).toEqual([
      expect.objectContaining({
        stepId: 'use',
        error: `step use as built at run time, shell touch asked1: always asked by ask shell: "touch asked*" (${ws.policyFile}:2), and the run was let through by the approval mode without a question; nothing was run (approve the run in a terminal or with --yes, or write the command into the plan)`,
      }),
    ]);
    expect(existsSync(path.join(ws.dir, 'asked1'))).toBe(false);

    // --yes answers the question, as it does for the same command written in the plan.
    const answered = await runKsa(['run', ws.plan, '--approve', 'write', '--yes', '--json'], { home: ws.home, cwd: ws.dir, env: { CI: 'true' } });
    expect(answered.code, describeResult(answered)).toBe(0);
    expect(existsSync(path.join(ws.dir, 'asked1'))).toBe(true);
    const status = await runKsa(['status', '--json'], { home: ws.home });
    expect((JSON.parse(status.stdout) as { approvals: unknown[] }).approvals).toEqual([expect.objectContaining({ approvedBy: '--yes', mode: 'write' })]);
  });

  it('a kubectl call whose namespace comes from a step is held by an ask rule for that namespace', async () => {
    const ws = await workspace('kubectl', KUBECTL_PLAN, 'ask:\n  - kubectl: "* -n prod *"\n');
    const held = await runKsa(['run', ws.plan, '--approve', 'write', '--json'], { home: ws.home, cwd: ws.dir, env: { CI: 'true' } });
    expect(held.code, describeResult(held)).toBe(1);
    expect(failures(held.stdout)).toEqual([
      expect.objectContaining({ stepId: 'use', error: expect.stringContaining(`kubectl create configmap x --dry-run=client -o yaml -n prod: always asked by ask kubectl: "* -n prod *" (${ws.policyFile}:2)`) }),
    ]);
  });
});
