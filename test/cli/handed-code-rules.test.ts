import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { policyWorkspace, type ShellStep } from '../helpers/policy-workspace.js';

// Deny rules meet code handed to eval and bash -c with the step's env values, and the code su and runuser run
// as another user is rated and met as that code, not as a program named after the user.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-handed-code-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const POLICY = 'deny:\n  - kubectl: "delete ns prod"\n  - shell: "rm -rf /srv*"\n';

const workspace = (name: string, steps: Record<string, ShellStep>) => policyWorkspace(sandbox, name, POLICY, steps);

describe('ksa policy check', () => {
  it('denies kubectl delete ns $NS handed to bash -c and eval with env NS=prod, and su -c code, but not NS=staging', async () => {
    const prod = { NS: 'prod' };
    const ws = await workspace('handed', {
      quoted: { command: 'bash -c "kubectl delete ns $NS"', env: prod },
      words: { command: 'eval kubectl delete ns $NS', env: prod },
      single: { command: "eval 'kubectl delete ns $NS'", env: prod },
      su: { command: "su deploy -c 'rm -rf /srv/app'" },
      runuser: { command: 'runuser -u deploy -- rm -rf /srv/app' },
      staging: { command: 'bash -c "kubectl delete ns $NS"', env: { NS: 'staging' } },
    });
    const check = await runKsa(['policy', 'check', ws.plan, '--json', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(check.code, describeResult(check)).toBe(2);
    const doc = JSON.parse(check.stdout) as { steps: { id: string; decision: string }[] };
    expect(Object.fromEntries(doc.steps.map((step) => [step.id, step.decision]))).toEqual({ quoted: 'deny', words: 'deny', single: 'deny', su: 'deny', runuser: 'deny', staging: 'ask' });
  });
});

describe('ksa policy check with su and runuser options', () => {
  it('denies code named through a prefix of a long option, as getopt_long reads it', async () => {
    const ws = await workspace('prefixes', {
      user: { command: 'runuser --us=root -- rm -rf /srv/app' },
      command: { command: "su --comm='rm -rf /srv/app' deploy" },
      spaced: { command: "su --com 'rm -rf /srv/app' root" },
    });
    const check = await runKsa(['policy', 'check', ws.plan, '--json', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(check.code, describeResult(check)).toBe(2);
    const doc = JSON.parse(check.stdout) as { steps: { id: string; decision: string }[] };
    expect(Object.fromEntries(doc.steps.map((step) => [step.id, step.decision]))).toEqual({ user: 'deny', command: 'deny', spaced: 'deny' });
  });
});

describe('ksa validate --json', () => {
  it('rates su -s PROGRAM by the program that runs the code, and options known only at run time as any', async () => {
    const ws = await workspace('su-shell', {
      tool: { command: 'su -s ./tool root -c ls' },
      computed: { command: 'su -s "$SH" root -c ls' },
      options: { command: 'su $OPTS root -c "ls"' },
      flags: { command: 'runuser $FLAGS root' },
      bash: { command: 'su -s /bin/bash root -c ls' },
    });
    const result = await runKsa(['validate', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string }[] };
    expect(Object.fromEntries(doc.stepRisks.map((each) => [each.id, each.risk]))).toEqual({ tool: 'write', computed: 'destroy', options: 'destroy', flags: 'destroy', bash: 'read' });
  });


  it('rates su and runuser by the code they run as the user', async () => {
    const ws = await workspace('su', {
      code: { command: "su deploy -c 'kubectl delete pod web'" },
      reads: { command: "su deploy -c 'kubectl get pods'" },
      login: { command: "su - deploy --command='kubectl get pods'" },
    });
    const result = await runKsa(['validate', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string }[] };
    expect(Object.fromEntries(doc.stepRisks.map((each) => [each.id, each.risk]))).toEqual({ code: 'destroy', reads: 'read', login: 'read' });
  });
});
