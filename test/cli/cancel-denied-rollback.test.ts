import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, readPids, readRunFile, statusOf, type StatusDoc } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';

// ksa cancel of an interrupted run meets the policy as it is now, as ksa resume does:
// a rollback the policy denies since the run started is not run.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-denied-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('ksa cancel and a rollback the policy now denies', () => {
  it('says which rollback is denied and by which rule before asking, does not run it, and leaves the step not rolled back (rollback_failed, exit 1)', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'denied', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    const policyFile = path.join(home, 'policy.yaml');
    writeFileSync(policyFile, 'deny:\n  - shell: "echo rolled back*"\n');
    const why = `its rollback (shell echo rolled back > rollback.marker): denied by deny shell: "echo rolled back*" (${policyFile}:2)`;

    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 2);
    expect(resume.stderr).toContain(why);

    const cancel = await runKsa(['cancel', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    expect(cancel.stderr).toContain(`  ! first: ${why}; it is not run, and first stays not rolled back\n`);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('rollback_failed');
    expect(statusOf(status, 'first')).toMatchObject({ status: 'succeeded', rollback: { status: 'failed' } });
    const recorded = `step first: ${why}; the permission policy forbids it now, so it was not run and first is not rolled back`;
    expect(JSON.stringify(statusOf(status, 'first'))).toContain(JSON.stringify(recorded).slice(1, -1));
  }, 60_000);
  it('denies a write_file rollback named by its absolute path in the workspace by a rule for its workspace path', async () => {
    const dir = path.join(sandbox.dir, 'absolute');
    const home = path.join(sandbox.home, 'absolute');
    mkdirSync(dir, { recursive: true });
    mkdirSync(home, { recursive: true });
    const planFile = path.join(dir, 'plan.yaml');
    const protectedFile = path.join(dir, 'protected.txt');
    writeFileSync(
      planFile,
      `goal: cancel absolute rollback
steps:
  - id: w
    tool: write_file
    args: { path: "notes.txt", content: "x" }
    rollback: { tool: write_file, args: { path: ${JSON.stringify(protectedFile)}, content: "MARKER" } }
  - id: long
    tool: shell
    dependsOn: [w]
    args: { command: "echo $$ >> long.pids; sleep 30" }
`,
    );
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"run_started"'), 10_000);
    const runId = (JSON.parse(ksa.stdout().split('\n')[0]!) as { runId: string }).runId;
    leftovers.add(await eventually(() => readPids(dir, 'long.pids')[0], 10_000));
    await eventually(() => (readRunFile(home, runId)?.state.steps.long?.status === 'running' ? true : undefined), 10_000);
    ksa.kill('SIGKILL');
    await ksa.result;
    writeFileSync(path.join(home, 'policy.yaml'), 'deny:\n  - write_file: "protected.txt"\n');

    const cancel = await runKsa(['cancel', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    expect(cancel.stderr).toContain(`  ! w: its rollback (write_file ${protectedFile}): denied by deny write_file: "protected.txt"`);
    expect(existsSync(protectedFile)).toBe(false);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('rollback_failed');
  }, 60_000);
});
