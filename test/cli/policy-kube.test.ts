import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa, stackTraceLines } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// Policy and approval for cluster steps, as a user meets them: what the k8s_*/helm_*
// tools run is what is rated and what rules match. Nothing here reaches a cluster.

const sandbox = useCliSandbox('ksa-policy-kube-');

async function workspace(name: string, plan: string, policy: string): Promise<{ dir: string; home: string; plan: string }> {
  const planFile = await sandbox.writePlan(`${name}/ws/plan.yaml`, plan);
  const dir = path.dirname(planFile);
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(path.join(dir, '.ksa'), { recursive: true });
  await mkdir(home, { recursive: true });
  await writeFile(path.join(dir, '.ksa', 'policy.yaml'), policy);
  return { dir, home, plan: planFile };
}

const REMOVE_NEW = `goal: Remove what the last deploy created
steps:
  - id: undo
    tool: k8s_rollback
    args: { resource: deployment/web, toRevision: null }
  - id: gone
    tool: helm_rollback
    args: { release: web, revision: null }
`;

describe('k8s_rollback / helm_rollback that delete', () => {
  it('--yes alone refuses them as destroy steps, exit 2, before anything runs', async () => {
    const ws = await workspace('destroy', REMOVE_NEW, '');
    const result = await runKsa(['run', ws.plan, '--yes', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('undo: destroy step (k8s_rollback runs kubectl delete)');
    expect(result.stderr).toContain('gone: destroy step (helm_rollback runs helm uninstall)');
    expect(result.stderr).toMatch(/--allow-destroy/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });

  it('ksa policy check: a deny rule for what they run denies them, exit 2', async () => {
    const ws = await workspace('deny', REMOVE_NEW, 'deny:\n  - kubectl: "delete *"\n  - helm: "uninstall *"\n');
    const result = await runKsa(['policy', 'check', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as { decision: string; steps: { id: string; risk: string; decision: string; rule: { command: string } | null }[] };
    expect(doc.decision).toBe('deny');
    expect(doc.steps.map((step) => [step.id, step.risk, step.decision, step.rule?.command])).toEqual([
      ['undo', 'destroy', 'deny', 'delete *'],
      ['gone', 'destroy', 'deny', 'uninstall *'],
    ]);
  });
});

describe('kubectl run by find -exec in a shell step', () => {
  it('ksa policy check: the deny rules for kubectl meet it, exit 2', async () => {
    const plan = `goal: find exec
steps:
  - id: scale
    tool: shell
    args: { command: 'find . -maxdepth 0 -exec kubectl --context prod scale deploy/web --replicas=0 \\;' }
  - id: wipe
    tool: shell
    args: { command: 'find k8s -name "*.yaml" -exec kubectl delete -f {} +' }
`;
    const ws = await workspace('find-exec', plan, 'deny:\n  - kubectl: "delete *"\n  - kubectl: "* --context prod*"\n');
    const result = await runKsa(['policy', 'check', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as { decision: string; steps: { id: string; decision: string; rule: { command: string } | null }[] };
    expect(doc.steps.map((step) => [step.id, step.decision, step.rule?.command])).toEqual([
      ['scale', 'deny', '* --context prod*'],
      ['wipe', 'deny', 'delete *'],
    ]);
  });
});

describe('an ask rule for the prod namespace written "* -n prod *"', () => {
  it('ksa policy check --approve write: every step aimed at prod asks, however it names the namespace', async () => {
    const plan = `goal: apply to prod
inputs: { namespace: prod }
steps:
  - { id: argument, tool: kubectl, args: { args: [apply, -f, k8s/], namespace: "{{ inputs.namespace }}" } }
  - { id: leading, tool: kubectl, args: { args: [-n, prod, apply, -f, k8s/] } }
  - { id: long, tool: kubectl, args: { args: [apply, -f, k8s/, --namespace, prod] } }
  - { id: dev, tool: kubectl, args: { args: [apply, -f, k8s/, -n, dev] } }
`;
    const ws = await workspace('ask-prod', plan, 'ask:\n  - kubectl: "* -n prod *"\n');
    const result = await runKsa(['policy', 'check', ws.plan, '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/plan\.yaml: ask — argument \(always asked by ask kubectl: "\* -n prod \*" \(.*policy\.yaml:2\)\), leading \(.*\), long \(.*\) need approval \(--approve write\)/);
    for (const id of ['argument', 'leading', 'long']) expect(result.stdout).toMatch(new RegExp(`^  ${id} +write +ask +ask kubectl: "\\* -n prod \\*"`, 'm'));
    expect(result.stdout).toMatch(/^  dev +write +allow +–/m);
  });
});
