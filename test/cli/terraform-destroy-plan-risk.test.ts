import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A destroy plan saved by one step and applied by a later one, and an apply whose words are known only at run time.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PLAN = `goal: Tear down
steps:
  - { id: plan, tool: shell, args: { command: terraform plan -destroy -out=teardown.tfplan } }
  - { id: apply, tool: shell, dependsOn: [plan], args: { command: terraform apply teardown.tfplan } }
  - { id: steered, tool: shell, args: { command: 'TF_CLI_ARGS_apply="$X" terraform apply' } }
  - { id: split, tool: shell, args: { command: 'terraform apply -auto-approve -var=$R' } }
  - { id: region, tool: shell, args: { command: 'terraform apply -auto-approve -var="region=$REGION"' } }
  - { id: named, tool: shell, args: { command: 'terraform apply "$PLAN"' } }
  - { id: keep, tool: shell, args: { command: 'cp -t saved teardown.tfplan' } }
  - { id: kept, tool: shell, args: { command: 'terraform apply saved/teardown.tfplan' } }
`;

describe('ksa validate rates terraform apply of a destroy plan', () => {
  it('rates the apply of a destroy plan another step saves, and an apply with run-time words, destroy', async () => {
    await sandbox.writePlan('p.yaml', PLAN);
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
    expect(doc.stepRisks.find((step) => step.id === 'apply')).toEqual({ id: 'apply', risk: 'destroy', riskReason: 'terraform apply teardown.tfplan applies a destroy plan step plan saves (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'steered')?.risk).toBe('destroy');
    expect(doc.stepRisks.find((step) => step.id === 'split')).toEqual({ id: 'split', risk: 'destroy', riskReason: 'terraform apply with -var=$R known only at run time (may be -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'region')?.risk).toBe('write');
    expect(doc.stepRisks.find((step) => step.id === 'named')).toEqual({ id: 'named', risk: 'destroy', riskReason: 'terraform apply "$PLAN": $PLAN may be the destroy plan saved by step plan (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'kept')?.risk).toBe('destroy');
  });
});
