import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, gateWait, killGroup, ksaJson, lineCounts, lockPid, readRunFile, statusOf, type StatusDoc } from '../helpers/durable.js';
import { readLockOwner, requestCancel } from '../../src/store/index.js';
import { startLongRun } from '../helpers/long-run.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// ksa cancel: a run owned by a live process is asked to stop (request file + SIGUSR2)
// and rolls back there; an interrupted run is rolled back here, after approval.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-cancel-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe.concurrent('ksa cancel', () => {
  it('of a run owned by a live ksa run: the owner rolls back and exits 130, cancel reports it and exits 0', async () => {
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'live', leftovers);
    const cancel = await runKsa(['cancel', runId, '--json'], { home, timeoutMs: 20_000 });
    expectExit(cancel, 0);
    expect(cancel.stderr).toMatch(new RegExp(`Asking process ${ksa.pid} to cancel run ${runId}`));
    expect(JSON.parse(cancel.stdout)).toEqual({ runId, status: 'cancelled', rolledBack: ['first'], failedRollbacks: [] });

    const owner = await ksa.result;
    expectExit(owner, 130);
    expect(owner.stderr).toMatch(/cancel requested from another terminal/);
    expect(expectWellFormedRun(parseNdjson(owner.stdout))).toBe('cancelled');
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    expect(await waitFor(() => !isProcessAlive(longPid), 3000)).toBe(true);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'long').status).toBe('cancelled');
    expect(existsSync(path.join(home, 'runs', runId, 'cancel.request'))).toBe(false);
  });

  it('a cancel its owner never answered (stopped, then killed): a later ksa resume runs the plan, not the old cancel', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'unanswered', leftovers);
    process.kill(ksa.pid, 'SIGSTOP');
    const cancel = await runKsa(['cancel', runId, '--timeout', '1s'], { home, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    expect(cancel.stderr).toMatch(/has not finished 1s after the cancel request \(which stands/);
    // It stands for that owner alone, and the next owner of the run removes it unread.
    expect(existsSync(path.join(home, 'runs', runId, 'cancel.request'))).toBe(true);
    ksa.kill('SIGKILL');
    process.kill(ksa.pid, 'SIGCONT');
    await ksa.result;

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(resume.stderr).not.toMatch(/cancel requested from another terminal/);
    expectExit(resume, 0);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('succeeded');
  });

  it('a cancel request an older ksa left (no address, made before the resume took the run) is set aside, not followed: the resume runs the plan', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'old-request', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    // The shape older ksa builds wrote: who asked, and when; no `to`/`host`.
    writeFileSync(path.join(home, 'runs', runId, 'cancel.request'), JSON.stringify({ requestedAt: new Date(Date.now() - 2000).toISOString(), by: 1 }));
    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(resume.stderr).not.toMatch(/cancel requested from another terminal/);
    expect(resume.stderr).toMatch(/a cancel request left by an earlier owner of the run was set aside \(not followed\); to cancel the run: ksa cancel /);
    expectExit(resume, 0);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    expect(existsSync(path.join(home, 'runs', runId, 'cancel.request'))).toBe(false);
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('succeeded');
  });

  it('a cancel its owner could not answer in time (stopped) stands: once the owner goes on, it cancels and rolls back', async () => {
    const { ksa, home, runId, dir } = await startLongRun(sandbox, 'slow-owner', leftovers);
    process.kill(ksa.pid, 'SIGSTOP');
    const cancel = await runKsa(['cancel', runId, '--timeout', '1s'], { home, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    process.kill(ksa.pid, 'SIGCONT');
    const owner = await ksa.result;
    expectExit(owner, 130);
    expect(expectWellFormedRun(parseNdjson(owner.stdout))).toBe('cancelled');
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
  });

  it('a cancel that arrives while a failed run rolls back: the run stays failed, and both ksa run and ksa cancel exit 1', async () => {
    const planFile = await sandbox.writePlan('late-cancel/plan.yaml', `goal: Fail, then roll back slowly
steps:
  - id: a
    tool: shell
    args: { command: "echo a" }
    rollback: { tool: shell, args: { command: "${gateWait('rollback.go')}echo undone > undone.marker" } }
  - id: b
    tool: shell
    dependsOn: [a]
    args: { command: "exit 3" }
`);
    const dir = path.dirname(planFile);
    const home = path.join(sandbox.home, 'late-cancel');
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    const runId = parseNdjson(ksa.stdout().split('\n')[0]! + '\n')[0]!.runId;
    // The rollback waits until ksa cancel has found the run live and asks its owner: on a loaded machine, a fixed
    // sleep could end before ksa cancel started, and it then found a finished run.
    const asking = startKsa(['cancel', runId], { home, timeoutMs: 20_000 });
    await asking.waitForOutput((_stdout, stderr) => stderr.includes(`to cancel run ${runId}`), 15_000);
    writeFileSync(path.join(dir, 'rollback.go'), '');
    const cancel = await asking.result;
    expectExit(cancel, 1);
    expect(cancel.stderr).toMatch(new RegExp(`Run ${runId} failed; rolled back a\\.`));
    const owner = await ksa.result;
    expect(expectWellFormedRun(parseNdjson(owner.stdout))).toBe('failed');
    expectExit(owner, 1);
    expect(readFileSync(path.join(dir, 'undone.marker'), 'utf8')).toBe('undone\n');
  });

  it('of an interrupted run (kill -9): asks first (exit 2 without a TTY or --yes), then with --yes rolls back here', async () => {
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'interrupted', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;

    const refused = await runKsa(['cancel', runId], { home, cwd: dir });
    expectExit(refused, 2);
    expect(refused.stderr).toMatch(new RegExp(`Run ${runId} is interrupted: its process is gone`));
    expect(refused.stderr).toMatch(/Cancelling rolls back, newest first: first\./);
    // The refusal is about the cancel and its rollback, not about running a plan.
    expect(refused.stderr).toContain(`ksa: not approved: cancelling run ${runId} rolls back 1 step (first), and there is no terminal to ask. Pass --yes to roll back and cancel it.\n`);
    expect(refused.stderr).not.toMatch(/runs commands|to run it/);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('interrupted');

    // Done here, it rolls back here: but a --redis ksa cannot use as written is a typo to say, not to roll back past.
    const typo = await runKsa(['cancel', runId, '--yes', '--redis', 'redis://h/abc'], { home, cwd: dir });
    expectExit(typo, 2);
    expect(typo.stderr).toMatch(/^ksa: cannot use Redis at redis:\/\/h\/abc: /m);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);

    const cancel = await runKsa(['cancel', runId.slice(0, -1), '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 0);
    expect(cancel.stderr).toMatch(new RegExp(`run ${runId} cancelling, rolling back what succeeded: `));
    expect(cancel.stderr).not.toMatch(/\bresumed\b/);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    // The crashed run's `long` is stopped, and nothing ran again.
    expect(await waitFor(() => !isProcessAlive(longPid), 3000)).toBe(true);
    expect(lineCounts(dir).get('first')).toBe(1);
    expect(lineCounts(dir).has('after got first-output')).toBe(false);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'first')).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(status.steps.some((step) => step.status === 'running')).toBe(false);
    expect(lockPid(home, runId)).toBeUndefined();

    const again = await runKsa(['cancel', runId], { home });
    expectExit(again, 2);
    expect(again.stderr).toMatch(/already finished \(cancelled\); there is nothing to cancel/);
  });

  // The pid of the dead owner was taken since (a reboot, a restarted container, a wrap-around).
  it('of an interrupted run whose owner pid now belongs to another process: shown interrupted, rolled back here, that process never signalled', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'pid-reused', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    // Dies of SIGUSR2, as most programs do.
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    leftovers.add(bystander.pid!);
    const lockFile = path.join(home, 'runs', runId, 'owner.lock');
    writeFileSync(lockFile, JSON.stringify({ ...JSON.parse(readFileSync(lockFile, 'utf8')), pid: bystander.pid }));

    const runs = await ksaJson<{ runs: { runId: string; status: string }[] }>(['runs'], { home });
    expect(runs.runs.find((run) => run.runId === runId)?.status).toBe('interrupted');
    const cancel = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 0);
    expect(cancel.stderr).toContain(`Run ${runId} is interrupted: its process is gone.`);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
    expect(isProcessAlive(bystander.pid!)).toBe(true);
    bystander.kill('SIGKILL');
  });

  it('of a run owned on another host: the request names that host, and its timeout says how to take the run over', async () => {
    const { ksa, home, runId } = await startLongRun(sandbox, 'other-host', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    const lockFile = path.join(home, 'runs', runId, 'owner.lock');
    writeFileSync(lockFile, JSON.stringify({ ...JSON.parse(readFileSync(lockFile, 'utf8')), hostname: '3f9c2a1b7d0e' }));
    const cancel = await runKsa(['cancel', runId, '--timeout', '1'], { home, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    expect(cancel.stderr).toMatch(new RegExp(`^Asking process \\d+ on host 3f9c2a1b7d0e to cancel run ${runId}`));
    expect(cancel.stderr).toContain(`ksa: run ${runId} has not finished 1s after the cancel request (which stands: its process cancels the run when it reads it); see: ksa status ${runId}. ksa cannot check processes on 3f9c2a1b7d0e: if that host (or container) is gone, delete ${lockFile} and try again\n`);
    const resume = await runKsa(['resume', runId, '--yes'], { home });
    expectExit(resume, 2);
    expect(resume.stderr).toContain(`on host 3f9c2a1b7d0e (ksa run`);
    expect(resume.stderr).toContain(`delete ${lockFile} and try again`);
  });

  it('of an interrupted run whose only step to undo was running: its rollback is announced and asked for, never run unasked', async () => {
    const planFile = await sandbox.writePlan('cut-short/plan.yaml', `goal: Create something
steps:
  - id: create
    tool: shell
    args: { command: "echo $$ > create.pid; exec sleep 30" }
    rollback: { tool: shell, args: { command: "echo undone >> undo.log" } }
`);
    const dir = path.dirname(planFile);
    const home = path.join(sandbox.home, 'cut-short');
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(ksa.pid);
    const runId = await eventually(() => {
      const started = parseNdjson(ksa.stdout()).find((event) => event.type === 'step_started');
      return started && existsSync(path.join(dir, 'create.pid')) && readRunFile(home, started.runId)?.state.steps.create?.status === 'running' ? started.runId : undefined;
    }, 10_000);
    leftovers.add(Number(readFileSync(path.join(dir, 'create.pid'), 'utf8')));
    ksa.kill('SIGKILL');
    await ksa.result;

    const refused = await runKsa(['cancel', runId], { home, cwd: dir });
    expectExit(refused, 2);
    expect(refused.stderr).toContain('Cancelling rolls back, newest first: create.');
    expect(refused.stderr).toContain(`ksa: not approved: cancelling run ${runId} rolls back 1 step (create)`);
    expect(existsSync(path.join(dir, 'undo.log'))).toBe(false);

    expectExit(await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 }), 0);
    expect(readFileSync(path.join(dir, 'undo.log'), 'utf8')).toBe('undone\n');
  });

  it('cancel while a resume is still stopping the leftovers of the crash: the resume cancels cleanly', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'cancel-resume', leftovers, { stubborn: true });
    ksa.kill('SIGKILL');
    await ksa.result;
    writeFileSync(path.join(dir, 'fast'), '');
    const resume = startKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(resume.pid);
    // The resume owns the run and is waiting out the 2 s grace of the stubborn leftover.
    await eventually(() => (lockPid(home, runId) === resume.pid ? true : undefined), 10_000, 10);
    // What `ksa cancel` does for a live owner (request file + SIGUSR2), sent at once so it
    // lands in that window whatever the machine's load.
    const owner = (await readLockOwner(path.join(home, 'runs', runId)))!;
    await requestCancel(path.join(home, 'runs', runId), owner);
    const resumed = await resume.result;
    expect(resumed.signal, describeResult(resumed)).toBeNull();
    expect(resumed.code).toBe(130);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('cancelled');
  });

  it('of a run that died while rolling back a failure: the failed step keeps its error and attempts, and the run says it had failed', async () => {
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'died-failing', leftovers, { slowRollbackMs: 5000 });
    // `long` fails (its shell killed), the run rolls `first` back (5 s), and dies meanwhile.
    process.kill(-longPid, 'SIGKILL');
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    await eventually(() => (readRunFile(home, runId)?.state.steps.long?.status === 'failed' ? true : undefined), 5000);
    ksa.kill('SIGKILL');
    await ksa.result;
    const before = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(statusOf(before, 'long')).toMatchObject({ status: 'failed', attempts: 1 });

    const cancel = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 0);
    // The summary says how the failed step ended, not "pending" as if it had never run.
    expect(cancel.stderr).toMatch(/^ +✗ long +failed .*command was killed by SIGKILL/m);
    expect(cancel.stderr).not.toMatch(/^ +· long +pending/m);
    const status = await ksaJson<StatusDoc & { error?: string; failedStepId?: string }>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'long')).toMatchObject({ status: 'failed', attempts: 1, error: 'command was killed by SIGKILL' });
    expect(statusOf(status, 'after')).toMatchObject({ status: 'cancelled' });
    expect(statusOf(status, 'first')).toMatchObject({ status: 'rolled_back' });
    expect(JSON.stringify(status)).toContain('it had failed: step \\"long\\" failed');
  });

  it('again after a cancel of a failed run was itself killed: the run says once that it had failed, and why', async () => {
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'cancel-killed-failing', leftovers, { slowRollbackMs: 5000 });
    process.kill(-longPid, 'SIGKILL');
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    await eventually(() => (readRunFile(home, runId)?.state.steps.long?.status === 'failed' ? true : undefined), 5000);
    ksa.kill('SIGKILL');
    await ksa.result;
    // The first cancel dies during its 5 s rollback, its reason already in the record.
    const first = startKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(first.pid);
    await eventually(() => ((readRunFile(home, runId)?.state as { error?: string } | undefined)?.error?.startsWith('cancelled with ksa cancel') && lockPid(home, runId) === first.pid ? true : undefined), 10_000);
    first.kill('SIGKILL');
    await first.result;
    expectExit(await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 }), 0);
    const status = await ksaJson<StatusDoc & { error?: string }>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(status.error).toMatch(/^cancelled with ksa cancel after the run was interrupted; it had failed: step "long" failed: /);
    expect(status.error!.split('it had failed').length).toBe(2);
  });

  it('ksa pause of a run that is rolling back a failure is refused at once, saying why; the rollback goes on', async () => {
    // The rollback goes on until the pause was answered: a fixed 2 s could end before ksa pause started.
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'pause-rolling-back', leftovers, { rollbackGate: 'rollback.go' });
    process.kill(-longPid, 'SIGKILL');
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    await eventually(() => (readRunFile(home, runId)?.state.steps.long?.status === 'failed' ? true : undefined), 5000);
    const pause = await runKsa(['pause', runId], { home });
    expectExit(pause, 2);
    expect(pause.stderr.trim()).toBe(`ksa: run ${runId} is rolling back (step long failed); a rollback is not paused. Follow it with: ksa status ${runId}`);
    writeFileSync(path.join(dir, 'rollback.go'), '');
    expectExit(await ksa.result, 1);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
  });

  it('the owner dies while cancel waits for its rollback: cancel notices at once instead of waiting out --timeout', async () => {
    // The rollback waits for a gate the test never opens, and --timeout outlasts the test: only noticing the
    // owner's death ends the cancel's wait.
    const { ksa, home, runId } = await startLongRun(sandbox, 'owner-dies', leftovers, { rollbackGate: 'never.gate' });
    const cancel = startKsa(['cancel', runId, '--timeout', '600'], { home, timeoutMs: 20_000 });
    leftovers.add(cancel.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    ksa.kill('SIGKILL');
    const result = await cancel.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.stderr).toMatch(/interrupted|died|gone/);
  });
});
