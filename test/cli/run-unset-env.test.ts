import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup, readPids, runIdsOnDisk } from '../helpers/durable.js';

// An allow-listed variable that is not set: refused before any step runs, unless the expression guards it.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PLAN = `goal: x
steps:
  - id: first
    tool: shell
    args: { command: "echo FIRST-RAN" }
  - id: a
    dependsOn: [first]
    tool: shell
    args: { command: "echo branch={{ env.BRANCH }}" }
`;

describe('ksa run --allow-env NAME with NAME unset', () => {
  it('a plain env.NAME is refused before any step runs, exit 2, naming the step and the variable', async () => {
    await sandbox.writePlan('env.yaml', PLAN);
    const result = await runKsa(['run', '--yes', '--allow-env', 'BRANCH', 'env.yaml'], { home: sandbox.home, cwd: sandbox.dir, env: { BRANCH: undefined } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr.trim()).toBe('ksa: env.yaml: env.BRANCH is used by step a but BRANCH is not set in the environment; set it, or read it as has(env.BRANCH) ? env.BRANCH : "…"; nothing was run');
    expect(result.stdout + result.stderr).not.toContain('FIRST-RAN');
  });

  it('set, it runs; guarded with has() ? :, it runs unset too', async () => {
    await sandbox.writePlan('env.yaml', PLAN);
    const set = await runKsa(['run', '--yes', '--allow-env', 'BRANCH', 'env.yaml'], { home: sandbox.home, cwd: sandbox.dir, env: { BRANCH: 'dev' } });
    expect(set.code, describeResult(set)).toBe(0);
    await sandbox.writePlan('guarded.yaml', PLAN.replace('{{ env.BRANCH }}', '{{ has(env.BRANCH) ? env.BRANCH : \'main\' }}'));
    const guarded = await runKsa(['run', '--yes', '--allow-env', 'BRANCH', 'guarded.yaml'], { home: sandbox.home, cwd: sandbox.dir, env: { BRANCH: undefined } });
    expect(guarded.code, describeResult(guarded)).toBe(0);
  });

  it('ksa resume refuses it too when a step still to run reads it, before anything runs again', async () => {
    const home = path.join(sandbox.dir, 'resume-home');
    await sandbox.writePlan('resume.yaml', PLAN.replace('echo FIRST-RAN', () => 'echo $$ > first.pid; while [ ! -f first.go ]; do sleep 0.05; done; echo FIRST-RAN'));
    const owner = startKsa(['run', '--yes', '--allow-env', 'BRANCH', 'resume.yaml'], { home, cwd: sandbox.dir, env: { BRANCH: 'dev' }, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(sandbox.dir, 'first.pid')) ? true : undefined), 30_000);
    // Killed mid-step (a crash): the run is left interrupted, its step's process group too.
    killGroup(owner.pid);
    for (const pid of readPids(sandbox.dir, 'first.pid')) killGroup(pid);
    await owner.result;
    const [runId] = runIdsOnDisk(home);
    writeFileSync(path.join(sandbox.dir, 'first.go'), '');
    const resumed = await runKsa(['resume', runId!, '--yes'], { home, cwd: sandbox.dir, env: { BRANCH: undefined } });
    expect(resumed.code, describeResult(resumed)).toBe(2);
    expect(resumed.stderr.trim()).toBe(`ksa: run ${runId}: env.BRANCH is used by step a but BRANCH is not set in the environment; set it, or read it as has(env.BRANCH) ? env.BRANCH : "…"; nothing was run`);
  }, 90_000);
});
