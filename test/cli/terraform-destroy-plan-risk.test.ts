import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  - { id: split, tool: shell, args: { command: 'terraform apply -auto-approve $ARGS' } }
  - { id: timeout, tool: shell, args: { command: 'terraform apply -lock-timeout=$T -auto-approve', env: { T: 5m } } }
  - { id: cores, tool: shell, args: { command: 'terraform apply -parallelism=$(nproc) -auto-approve' } }
  - { id: mode, tool: shell, args: { command: 'terraform apply -auto-approve "$MODE"', env: { MODE: -destroy } } }
  - { id: folder, tool: shell, args: { command: 'terraform -chdir="$DIR" destroy -auto-approve' } }
  - { id: look, tool: shell, args: { command: 'tofu -chdir="$DIR" plan' } }
  - { id: normal, tool: shell, args: { command: 'terraform apply -destroy=false -auto-approve' } }
  - { id: region, tool: shell, args: { command: 'terraform apply -auto-approve -var="region=$REGION"' } }
  - { id: named, tool: shell, args: { command: 'terraform apply "./$P"' } }
  - { id: keep, tool: shell, args: { command: 'cp -t saved teardown.tfplan' } }
  - { id: kept, tool: shell, args: { command: 'terraform apply saved/teardown.tfplan' } }
  - { id: catted, tool: shell, args: { command: 'cat teardown.tfplan > copied.tfplan' } }
  - { id: copied, tool: shell, args: { command: 'terraform apply copied.tfplan' } }
  - { id: handed, tool: shell, args: { command: "bash -c 'terraform apply teardown.tfplan'" } }
  - { id: dropped, tool: shell, args: { command: 'terraform workspace delete -force staging' } }
  - { id: valued, tool: shell, args: { command: 'terraform apply -var k=$V' } }
  - { id: stamped, tool: shell, args: { command: 'terraform apply --backup=\`date +%s\`.tfstate' } }
  - { id: sameline, tool: shell, args: { command: "bash -c 'terraform plan -destroy -out=c5.p'; terraform apply c5.p" } }
  - { id: splitvar, tool: shell, args: { command: "V='1 teardown.tfplan'; terraform apply -var k=$V" } }
  - { id: ownplan, tool: shell, args: { command: 'terraform plan -out "./$PLANFILE" -var-file=prod.tfvars && terraform apply "./$PLANFILE"' } }
`;

describe('ksa validate rates terraform apply of a destroy plan', () => {
  it('rates the apply of a destroy plan another step saves, and an apply with run-time words, destroy; routine applies write', async () => {
    await sandbox.writePlan('p.yaml', PLAN);
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
    expect(doc.stepRisks.find((step) => step.id === 'apply')).toEqual({ id: 'apply', risk: 'destroy', riskReason: 'terraform apply teardown.tfplan applies a destroy plan step plan saves (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'steered')?.risk).toBe('destroy');
    expect(doc.stepRisks.find((step) => step.id === 'split')).toEqual({ id: 'split', risk: 'destroy', riskReason: 'terraform apply with $ARGS known only at run time (may be -destroy)' });
    // Options with their values, and values the step's env gives, are what they are.
    expect(doc.stepRisks.find((step) => step.id === 'timeout')).toEqual({ id: 'timeout', risk: 'write', riskReason: 'terraform apply' });
    expect(doc.stepRisks.find((step) => step.id === 'cores')).toEqual({ id: 'cores', risk: 'write', riskReason: 'terraform apply' });
    expect(doc.stepRisks.find((step) => step.id === 'mode')).toEqual({ id: 'mode', risk: 'destroy', riskReason: 'terraform destroy' });
    expect(doc.stepRisks.find((step) => step.id === 'folder')).toEqual({ id: 'folder', risk: 'destroy', riskReason: 'terraform destroy' });
    expect(doc.stepRisks.find((step) => step.id === 'look')).toEqual({ id: 'look', risk: 'read', riskReason: 'tofu plan' });
    expect(doc.stepRisks.find((step) => step.id === 'normal')).toEqual({ id: 'normal', risk: 'write', riskReason: 'terraform apply' });
    expect(doc.stepRisks.find((step) => step.id === 'region')?.risk).toBe('write');
    expect(doc.stepRisks.find((step) => step.id === 'named')).toEqual({ id: 'named', risk: 'destroy', riskReason: 'terraform apply "./$P": ./$P may be the destroy plan saved by step plan (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'kept')?.risk).toBe('destroy');
    // Copied by a redirection, or applied by code handed to a shell.
    expect(doc.stepRisks.find((step) => step.id === 'copied')).toEqual({ id: 'copied', risk: 'destroy', riskReason: 'terraform apply copied.tfplan applies a destroy plan step plan saves (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'handed')).toEqual({ id: 'handed', risk: 'destroy', riskReason: 'terraform apply teardown.tfplan applies a destroy plan step plan saves (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'dropped')).toEqual({ id: 'dropped', risk: 'destroy', riskReason: "terraform workspace delete throws the workspace's state away" });
    // An option's value is no plan file; a backquoted value after = is part of its option's word.
    expect(doc.stepRisks.find((step) => step.id === 'valued')).toEqual({ id: 'valued', risk: 'write', riskReason: 'terraform apply' });
    expect(doc.stepRisks.find((step) => step.id === 'stamped')).toEqual({ id: 'stamped', risk: 'write', riskReason: 'terraform apply' });
    // A destroy plan saved by code the line hands to a shell; a value the shell splits into the plan file; a plan the line saves itself.
    expect(doc.stepRisks.find((step) => step.id === 'sameline')).toEqual({ id: 'sameline', risk: 'destroy', riskReason: 'terraform apply c5.p applies a plan the line saves with terraform plan -destroy' });
    expect(doc.stepRisks.find((step) => step.id === 'splitvar')).toEqual({ id: 'splitvar', risk: 'destroy', riskReason: 'terraform apply teardown.tfplan applies a destroy plan step plan saves (terraform plan -destroy)' });
    expect(doc.stepRisks.find((step) => step.id === 'ownplan')).toEqual({ id: 'ownplan', risk: 'write', riskReason: 'terraform plan -out writes a file' });
  });
});

// A fake terraform that notes each call and saves the plan file it is asked to.
const TERRAFORM = `#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls.log"
for word in "$@"; do case "$word" in -out=*) echo plan > "\${word#-out=}" ;; esac; done
`;

const BUILT = `goal: Tear down
steps:
  - { id: save, tool: shell, args: { command: terraform plan -destroy -out=d.tfplan } }
  - { id: get, tool: shell, dependsOn: [save], args: { command: echo d.tfplan } }
  - { id: j, tool: shell, dependsOn: [get], args: { command: 'terraform apply -auto-approve {{ steps.get.output.stdout }}' } }
`;

describe('ksa run rates a call built at run time with the destroy plans other steps save', () => {
  it('refuses to apply a destroy plan by a call built from a step output under --yes alone, and applies it with --allow-destroy', async () => {
    const bin = path.join(sandbox.dir, 'built-bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'terraform'), TERRAFORM);
    await chmod(path.join(bin, 'terraform'), 0o755);
    const plan = await sandbox.writePlan('built/p.yaml', BUILT);
    const run = (...flags: string[]) => runKsa(['run', plan, '--json', ...flags], { home: sandbox.home, cwd: path.dirname(plan), env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    const calls = async () => (await readFile(path.join(bin, 'calls.log'), 'utf8')).split('\n').filter(Boolean);

    const refused = await run('--yes');
    expect(refused.code, describeResult(refused)).toBe(1);
    const failed = refused.stdout.split('\n').filter((line) => line.includes('"step_failed"')).map((line) => JSON.parse(line) as { stepId: string; error: string });
    expect(failed).toEqual([
      expect.objectContaining({
        stepId: 'j',
        error: 'step j as built at run time destroys (terraform apply d.tfplan applies a destroy plan step save saves (terraform plan -destroy)), and the run was approved without destroy steps; nothing was run (write the command into the plan, or approve destroy steps: --allow-destroy)',
      }),
    ]);
    expect(await calls()).toEqual(['plan -destroy -out=d.tfplan']);

    const allowed = await run('--yes', '--allow-destroy');
    expect(allowed.code, describeResult(allowed)).toBe(0);
    expect(await calls()).toEqual(['plan -destroy -out=d.tfplan', 'plan -destroy -out=d.tfplan', 'apply -auto-approve d.tfplan']);
  });
});
