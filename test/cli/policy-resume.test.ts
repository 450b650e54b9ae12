import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { killGroup } from '../helpers/durable.js';

// ksa resume and the policy: the policy as it is now is checked again, and every resume is
// approved again; the run record keeps each approval with the hash of what it covered.

const sandbox = useCliSandbox('ksa-policy-resume-');

const GATED = `goal: Wait for a gate
inputs:
  who: nobody
steps:
  - id: first
    tool: shell
    args: { command: "echo first" }
  - id: gate
    tool: shell
    dependsOn: [first]
    args: { command: "while [ ! -f go ]; do sleep 0.05; done; echo {{ inputs.who }} > passed" }
`;

type Approval = { approvedBy: string; mode: string; command: string; planHash: string };

describe('ksa resume under the permission policy', { timeout: 120_000 }, () => {
  it('a resume shows the inputs it goes on with, asks again, is refused when the policy now denies a step, and records its own approval and inputs', async () => {
    const plan = await sandbox.writePlan('gated/plan.yaml', GATED);
    const dir = path.dirname(plan);
    const home = sandbox.home;
    // An interrupted run: ksa is killed (-9) while `gate` waits.
    const ksa = startKsa(['run', plan, '--yes', '--json', '--input', 'who=starter'], { home, cwd: dir });
    await ksa.waitForOutput((stdout) => parseNdjson(stdout).some((event) => event.type === 'step_started' && event.stepId === 'gate'), 30_000);
    const runId = parseNdjson(ksa.stdout())[0]!.runId;
    killGroup(ksa.pid);
    await ksa.result;

    const unasked = await runKsa(['resume', runId], { home, cwd: dir });
    expect(unasked.code, describeResult(unasked)).toBe(2);
    expect(unasked.stderr).toContain('not approved');
    // The card shows the inputs the run goes on with, not the plan's defaults.
    expect(unasked.stderr).toContain('  inputs: who=starter\n');

    const policyFile = path.join(dir, '.ksa', 'policy.yaml');
    await mkdir(path.dirname(policyFile), { recursive: true });
    await writeFile(policyFile, 'deny:\n  - shell: "while *"\n');
    const denied = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expect(denied.code, describeResult(denied)).toBe(2);
    expect(denied.stderr).toContain(`run ${runId}: not allowed by the permission policy, 1 step denied (nothing was run):`);
    // The step's line in the plan file, which still holds the run's plan, as validate and run give it.
    expect(denied.stderr).toContain(`  plan.yaml:8:5 steps[1]: shell while [ ! -f go ]; do sleep 0.05; done; echo starter > passed: denied by deny shell: "while *" (${policyFile}:2)`);
    // Edited since, its lines would point elsewhere: the step is named by its path alone.
    await writeFile(plan, GATED.replace('goal: Wait for a gate', 'goal: Wait for the gate'));
    const edited = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expect(edited.code, describeResult(edited)).toBe(2);
    expect(edited.stderr).toContain(`\n  steps[1]: shell while [ ! -f go ]; do sleep 0.05; done; echo starter > passed: denied by deny shell: "while *" (${policyFile}:2)`);
    await writeFile(plan, GATED);

    await rm(policyFile);
    // Inputs given again are held to the plan as ksa run holds them.
    const typo = await runKsa(['resume', runId, '--yes', '--input', 'whoo=x'], { home, cwd: dir });
    expect(typo.code, describeResult(typo)).toBe(2);
    expect(typo.stderr).toContain(`ksa: run ${runId} cannot go on with these inputs: --input whoo: the plan has no input "whoo" (did you mean "who"?); its inputs: who`);
    writeFileSync(path.join(dir, 'go'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--input', 'who=resumer'], { home, cwd: dir });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stderr).toContain('  inputs: who=resumer\n');
    expect(readFileSync(path.join(dir, 'passed'), 'utf8')).toBe('resumer\n');

    const status = await runKsa(['status', runId, '--json'], { home });
    const approvals = (JSON.parse(status.stdout) as { approvals: Approval[] }).approvals;
    // The record keeps the inputs it went on with.
    expect((JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')) as { inputs: object }).inputs).toEqual({ who: 'resumer' });
    expect(approvals.map((approval) => [approval.approvedBy, approval.command])).toEqual([
      ['--yes', `ksa run ${plan}`],
      ['--yes', `ksa resume ${runId}`],
    ]);
    // Other inputs, another hash: the first approval did not cover this resume.
    expect(approvals[1]!.planHash).not.toBe(approvals[0]!.planHash);
  });
});
