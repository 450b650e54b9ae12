import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// ksa validate meets deny rules with the values a step's `env` gives the variables its line reads, and rates the
// step by them; a value the line reads in is not used.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-known-values-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

type Validated = { valid: boolean; issues: { code: string; path: string; message: string }[]; stepRisks: { id: string; risk: string; riskReason: string }[] };

describe('ksa validate --json with the values of a step env', { timeout: 120_000 }, () => {
  it('denies kubectl delete ns $NS with env NS=prod by kubectl: "delete ns prod", but not NS read by the line; kubectl $V pods with V=get is read', async () => {
    const home = path.join(sandbox.dir, 'home');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'policy.yaml'), 'deny:\n  - kubectl: "delete ns prod"\n');
    const plan = await sandbox.writePlan(
      'ws/plan.yaml',
      `goal: namespaces
steps:
  - id: look
    tool: shell
    args: { command: "kubectl $V pods", env: { V: get } }
  - id: drop
    tool: shell
    args: { command: "kubectl delete ns $NS", env: { NS: prod } }
  - id: asked
    tool: shell
    args: { command: "read -r NS < ns.txt; kubectl delete ns $NS", env: { NS: prod } }
`,
    );
    const result = await runKsa(['validate', plan, '--json'], { home });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as Validated;
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'policy_denied', path: 'steps[1]' })]);
    expect(doc.issues[0]!.message).toContain('denied by deny kubectl: "delete ns prod"');
    expect(doc.stepRisks.map(({ id, risk }) => [id, risk])).toEqual([
      ['look', 'read'],
      ['drop', 'destroy'],
      ['asked', 'destroy'],
    ]);
  });

  it('rates make $F clean after unset F, and helm uninstall $DRY after let DRY=1, by what runs, not by the step env value', async () => {
    const home = path.join(sandbox.dir, 'home-changed');
    await mkdir(home, { recursive: true });
    const plan = await sandbox.writePlan(
      'ws/changed.yaml',
      `goal: changed values
steps:
  - id: cleared
    tool: shell
    args: { command: "unset F; make $F clean", env: { F: "-n" } }
  - id: counted
    tool: shell
    args: { command: "let DRY=1; helm uninstall web $DRY", env: { DRY: "--dry-run" } }
  - id: kept
    tool: shell
    args: { command: "make $F clean", env: { F: "-n" } }
`,
    );
    const result = await runKsa(['validate', plan, '--json'], { home });
    const doc = JSON.parse(result.stdout) as Validated;
    expect(doc.stepRisks.map(({ id, risk }) => [id, risk]), describeResult(result)).toEqual([
      ['cleared', 'write'],
      ['counted', 'destroy'],
      ['kept', 'read'],
    ]);
  });
});
