import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { policyWorkspace, type ShellStep } from '../helpers/policy-workspace.js';

// Deny rules read a command's option values the way its program does (git push -o x, ssh -4i key, touch --ref f),
// and unzip's option groups rate a listing as one.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-option-values-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const POLICY = 'deny:\n  - shell: "git push origin main"\n  - shell: "ssh prod*"\n  - shell: "touch /tmp/x*"\n';

const workspace = (name: string, commands: Record<string, ShellStep>) => policyWorkspace(sandbox, name, POLICY, commands);

describe('deny rules and option values', () => {
  it('policy check denies git push to origin main however many push options come first, and not ssh or touch with an option value named like the rule', async () => {
    const ws = await workspace('check', {
      atomic: 'git push -o a -o b -o c --atomic origin main',
      global: 'git -c x=1 -C . push -o a --force origin main',
      long: 'git push --push-option a --push-option b --push-option c --no-verify origin main',
      key: 'ssh -4i prod.pem staging-1 uptime',
      config: 'ssh -6F prod.config staging-1 uptime',
      ref: 'touch --ref /tmp/x-ref /tmp/y',
    });
    const check = await runKsa(['policy', 'check', ws.plan, '--json', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(check.code, describeResult(check)).toBe(2);
    const doc = JSON.parse(check.stdout) as { steps: { id: string; decision: string }[] };
    const decisions = Object.fromEntries(doc.steps.map((step) => [step.id, step.decision]));
    expect(decisions).toMatchObject({ atomic: 'deny', global: 'deny', long: 'deny' });
    for (const id of ['key', 'config', 'ref']) expect(decisions[id], id).not.toBe('deny');
  });

  it('ksa run --yes refuses a push with many push options to origin main before running anything', async () => {
    const ws = await workspace('run', { push: 'git push -o a -o b -o c --atomic origin main' });
    const run = await runKsa(['run', ws.plan, '--yes'], { home: ws.home, cwd: ws.dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stdout + run.stderr).toContain('git push origin main');
  });
});

describe('unzip option groups', () => {
  it('validate --json rates a listing with a - that negates nothing as read, and one whose - negates -l as write', async () => {
    const ws = await workspace('unzip', { ends: 'unzip -l -- a.zip', trailing: 'unzip -l- a.zip', negated: 'unzip -l- -l a.zip', doubled: 'unzip --l a.zip' });
    const validate = await runKsa(['validate', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(validate.code, describeResult(validate)).toBe(0);
    const risks = Object.fromEntries((JSON.parse(validate.stdout) as { stepRisks: { id: string; risk: string }[] }).stepRisks.map((step) => [step.id, step.risk]));
    expect(risks).toEqual({ ends: 'read', trailing: 'read', negated: 'write', doubled: 'write' });
  });
});
