import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// ksa policy check refuses, before anything runs, a step a deny rule may mean however the plan writes it: a default in
// a parameter expansion, a call that picks every object of a kind or those a selector picks, a --raw path, a kind by
// another of its names.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-deny-reach-kube-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

type Checked = { decision: string; steps: { id: string; decision: string; rule: { command: string } | null }[] };

describe('ksa policy check --json with kubectl deny rules', { timeout: 120_000 }, () => {
  it('denies what may delete namespace prod or priorityclass high, and nothing else', async () => {
    const home = path.join(sandbox.dir, 'home');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'policy.yaml'), 'deny:\n  - kubectl: "delete ns prod"\n  - kubectl: "delete priorityclass high"\n');
    const plan = await sandbox.writePlan(
      'ws/plan.yaml',
      `goal: reach
steps:
  - { id: defaulted, tool: shell, args: { command: 'kubectl delete ns \${TARGET_NS:-prod}' } }
  - { id: assigned, tool: shell, args: { command: ': \${NS:=prod}; kubectl delete ns "$NS"' } }
  - { id: set, tool: shell, args: { command: 'NS=web; kubectl delete ns \${NS:-prod}' } }
  - { id: all, tool: kubectl, args: { args: [delete, namespaces, --all] } }
  - { id: selected, tool: shell, args: { command: 'kubectl delete ns -l env=prod' } }
  - { id: raw, tool: kubectl, args: { args: [delete, --raw, /api/v1/namespaces/prod] } }
  - { id: listed, tool: kubectl, args: { args: [get, ns, --all] } }
  - { id: pods, tool: kubectl, args: { args: [delete, pods, --all] } }
  - { id: short, tool: shell, args: { command: 'kubectl delete pc high' } }
`,
    );
    const result = await runKsa(['policy', 'check', plan, '--json'], { home });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as Checked;
    expect(doc.decision).toBe('deny');
    expect(doc.steps.map((step) => [step.id, step.decision, step.rule?.command ?? null])).toEqual([
      ['defaulted', 'deny', 'delete ns prod'],
      ['assigned', 'deny', 'delete ns prod'],
      ['set', 'ask', null],
      ['all', 'deny', 'delete ns prod'],
      ['selected', 'deny', 'delete ns prod'],
      ['raw', 'deny', 'delete ns prod'],
      ['listed', 'ask', null],
      ['pods', 'ask', null],
      ['short', 'deny', 'delete priorityclass high'],
    ]);
  });
  it('denies a call that picks every object whatever its option values and operands, and says why', async () => {
    const home = path.join(sandbox.dir, 'home-picked');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'policy.yaml'), 'deny:\n  - kubectl: "delete ns prod"\n  - kubectl: "label ns prod *"\n  - kubectl: "get secret db -n shop *"\n');
    const plan = await sandbox.writePlan(
      'picked/plan.yaml',
      `goal: picked
steps:
  - { id: timeout, tool: kubectl, args: { args: [delete, ns, --all, --timeout, 60s] } }
  - { id: chunked, tool: shell, args: { command: 'kubectl delete ns -l env=prod --chunk-size 50' } }
  - { id: labelled, tool: shell, args: { command: 'kubectl label ns --all frozen=true' } }
  - { id: listed, tool: kubectl, args: { args: [get, secrets, -o, yaml], namespace: shop } }
  - { id: staging, tool: kubectl, args: { args: [delete, ns, staging, --timeout, 60s] } }
`,
    );
    const checked = await runKsa(['policy', 'check', plan, '--json'], { home });
    expect(checked.code, describeResult(checked)).toBe(2);
    const doc = JSON.parse(checked.stdout) as Checked;
    expect(doc.steps.map((step) => [step.id, step.decision, step.rule?.command ?? null])).toEqual([
      ['timeout', 'deny', 'delete ns prod'],
      ['chunked', 'deny', 'delete ns prod'],
      ['labelled', 'deny', 'label ns prod *'],
      ['listed', 'deny', 'get secret db -n shop *'],
      ['staging', 'ask', null],
    ]);
    const run = await runKsa(['run', plan, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('kubectl delete ns --all --timeout 60s: denied by deny kubectl: "delete ns prod"');
    expect(run.stderr).toContain('the call picks every object of its kind (--all), which may include what the rule names');
    expect(run.stderr).toContain('the call picks objects by a selector, which may include what the rule names');
    expect(run.stderr).not.toContain('%every%');
  });
  it('refuses a default only where its variable may be unset or empty, however its word is written', async () => {
    const home = path.join(sandbox.dir, 'home-defaults');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'policy.yaml'), 'deny:\n  - kubectl: "delete ns prod"\n');
    const plan = await sandbox.writePlan(
      'defaults/plan.yaml',
      `goal: defaults
steps:
  - { id: passed, tool: shell, args: { command: 'drop() { kubectl delete ns "\${1:-prod}"; }; drop web' } }
  - { id: omitted, tool: shell, args: { command: 'drop() { kubectl delete ns "\${1:-prod}"; }; drop' } }
  - { id: preset, tool: shell, args: { command: 'NS=\${NS:-web}; kubectl delete ns \${NS:-prod}' } }
  - { id: quoted, tool: shell, args: { command: 'kubectl delete ns "\${NS:-"prod"}"' } }
  - { id: handed, tool: shell, args: { command: "export NS=\${NS:-prod}; bash -c 'kubectl delete ns $NS'" } }
  - { id: looped, tool: shell, args: { command: 'for ns in \${NSS:-prod}; do kubectl delete ns $ns; done' } }
`,
    );
    const result = await runKsa(['policy', 'check', plan, '--json'], { home });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as Checked;
    expect(doc.steps.map((step) => [step.id, step.decision])).toEqual([
      ['passed', 'ask'],
      ['omitted', 'deny'],
      ['preset', 'ask'],
      ['quoted', 'deny'],
      ['handed', 'deny'],
      ['looped', 'deny'],
    ]);
  });
});
