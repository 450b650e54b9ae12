import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup, readPids, readRunFile, runIdsOnDisk } from '../helpers/durable.js';

// An allow-listed variable that is not set: refused before any step runs, unless the expression guards it.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
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

  it('a test of another variable does not guard it and is refused; a when requiring it set lets the step be skipped', async () => {
    await sandbox.writePlan('other.yaml', PLAN.replace('{{ env.BRANCH }}', () => "{{ has(env.TAG) && env.BRANCH != '' ? env.BRANCH : 'main' }}"));
    const other = await runKsa(['run', '--yes', '--allow-env', 'BRANCH', '--allow-env', 'TAG', 'other.yaml'], { home: sandbox.home, cwd: sandbox.dir, env: { BRANCH: undefined, TAG: 'v1' } });
    expect(other.code, describeResult(other)).toBe(2);
    expect(other.stderr.trim()).toBe('ksa: other.yaml: env.BRANCH is used by step a but BRANCH is not set in the environment; set it, or read it as has(env.BRANCH) ? env.BRANCH : "\u2026"; nothing was run');
    expect(other.stdout + other.stderr).not.toContain('FIRST-RAN');
    await sandbox.writePlan('when.yaml', PLAN.replace('    tool: shell\n    args: { command: "echo branch', () => '    when: has(env.BRANCH)\n    tool: shell\n    args: { command: "echo branch'));
    const when = await runKsa(['run', '--yes', '--allow-env', 'BRANCH', 'when.yaml'], { home: sandbox.home, cwd: sandbox.dir, env: { BRANCH: undefined } });
    expect(when.code, describeResult(when)).toBe(0);
    expect(when.stderr).toMatch(/a\s+skipped/);
    // The step's own line (`✓ a succeeded`), not the run's: a run id may end in an a (`…-59aa succeeded`).
    expect(when.stderr).not.toMatch(/✓ a succeeded/);
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

  it('ksa resume and ksa cancel refuse it when the rollback of a step that succeeded reads it, before any rollback runs', async () => {
    const home = path.join(sandbox.dir, 'rollback-home');
    const dir = path.join(sandbox.dir, 'rollback');
    await sandbox.writePlan(
      'rollback/plan.yaml',
      `goal: x
steps:
  - id: a
    tool: shell
    args: { command: "echo A-RAN" }
    rollback: { tool: shell, args: { command: "echo undo {{ env.QA_Y }} > undone" } }
  - id: b
    dependsOn: [a]
    tool: shell
    args: { command: "echo $$ > b.pid; while [ ! -f b.go ]; do sleep 0.05; done" }
  - id: c
    dependsOn: [b]
    tool: shell
    args: { command: "exit 3" }
`,
    );
    const owner = startKsa(['run', '--yes', '--allow-env', 'QA_Y', 'plan.yaml'], { home, cwd: dir, env: { QA_Y: 'tok' }, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'b.pid')) ? true : undefined), 30_000);
    killGroup(owner.pid);
    for (const pid of readPids(dir, 'b.pid')) killGroup(pid);
    await owner.result;
    const [runId] = runIdsOnDisk(home);
    writeFileSync(path.join(dir, 'b.go'), '');
    const refusal = `ksa: run ${runId}: env.QA_Y is used by the rollback of step a but QA_Y is not set in the environment; set it, or read it as has(env.QA_Y) ? env.QA_Y : "…"; nothing was run`;
    for (const command of [['resume', runId!, '--yes'], ['cancel', runId!, '--yes']]) {
      const result = await runKsa(command, { home, cwd: dir, env: { QA_Y: undefined } });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toContain(refusal);
      expect(existsSync(path.join(dir, 'undone'))).toBe(false);
    }
    const cancelled = await runKsa(['cancel', runId!, '--yes'], { home, cwd: dir, env: { QA_Y: 'tok' } });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    expect(readFileSync(path.join(dir, 'undone'), 'utf8')).toBe('undo tok\n');
  }, 90_000);

  it('ksa resume, as the chat, reads in full a step whose rollback began before the stop: it runs again', async () => {
    const home = path.join(sandbox.dir, 'begun-home');
    const dir = path.join(sandbox.dir, 'begun');
    await sandbox.writePlan(
      'begun/plan.yaml',
      `goal: x
steps:
  - id: a
    tool: shell
    args: { command: "echo a={{ env.QA_A }} > a-ran" }
    rollback: { tool: shell, args: { command: "echo $$ > undo.pid; exec sleep 30" } }
  - id: b
    dependsOn: [a]
    tool: shell
    args: { command: "exit 3" }
`,
    );
    const owner = startKsa(['run', '--yes', '--allow-env', 'QA_A', 'plan.yaml'], { home, cwd: dir, env: { QA_A: 'one' }, timeoutMs: 60_000 });
    const pid = await eventually(() => readPids(dir, 'undo.pid')[0], 30_000);
    leftovers.add(pid);
    const [runId] = runIdsOnDisk(home);
    // Killed once the store has the rollback under way (run.json is written in groups, a moment after).
    await eventually(() => (readRunFile(home, runId!)?.state.steps.a?.rollbackStartedAt ? true : undefined), 30_000);
    killGroup(owner.pid);
    killGroup(pid);
    await owner.result;
    rmSync(path.join(dir, 'a-ran'));
    const resumed = await runKsa(['resume', runId!, '--yes'], { home, cwd: dir, env: { QA_A: undefined } });
    expect(resumed.code, describeResult(resumed)).toBe(2);
    expect(resumed.stderr.trim()).toBe(`ksa: run ${runId}: env.QA_A is used by step a but QA_A is not set in the environment; set it, or read it as has(env.QA_A) ? env.QA_A : "\u2026"; nothing was run`);
    expect(existsSync(path.join(dir, 'a-ran'))).toBe(false);
  }, 90_000);
});
