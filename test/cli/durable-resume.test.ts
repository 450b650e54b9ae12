import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, lineCounts, lockPid, statusOf, type RunsDoc, type StatusDoc } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';
import { formatDuration } from '../../src/tui/run-view-model.js';

// ksa resume: refuses finished runs and live owners (exit 2, naming the pid);
// after a crash it skips succeeded steps, feeds their outputs to templates, stops
// leftovers, and a later failure or Ctrl-C still rolls back the steps done before the crash.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-resume-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** A long run, killed with SIGKILL once `first` is recorded succeeded and `long` running. */
async function crashedLongRun(name: string, options: { stubborn?: boolean } = {}) {
  const run = await startLongRun(sandbox, name, leftovers, options);
  run.ksa.kill('SIGKILL');
  await run.ksa.result;
  return run;
}

describe.concurrent('ksa resume', () => {
  it('of a finished run: exit 2, "already finished", nothing runs', async () => {
    const plan = await sandbox.writePlan('finished/plan.yaml', 'goal: Quick\nsteps:\n  - id: only\n    tool: shell\n    args: { command: "echo only >> ran.log" }\n');
    const home = path.join(sandbox.home, 'finished');
    expectExit(await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan) }), 0);
    const { runs } = await ksaJson<RunsDoc>(['runs'], { home });
    const result = await runKsa(['resume', runs[0]!.runId, '--yes'], { home });
    expectExit(result, 2);
    expect(result.stderr).toMatch(new RegExp(`run ${runs[0]!.runId} already finished \\(succeeded\\); there is nothing to resume\\. Run it again with: ksa run ${plan.replaceAll('.', '\\.')}`));
    expect(lineCounts(path.dirname(plan)).get('only')).toBe(1);
  });

  it('while its owner (ksa run) is alive: exit 2 naming the pid; status and runs show the owner', async () => {
    const { ksa, home, runId } = await startLongRun(sandbox, 'live-owner', leftovers);
    try {
      const result = await runKsa(['resume', runId, '--yes'], { home });
      expectExit(result, 2);
      expect(result.stderr).toMatch(new RegExp(`run ${runId} is still running in process ${ksa.pid} \\(ksa run .*plan\\.yaml\\); wait for it, or stop it with: ksa cancel ${runId}`));
      const status = await ksaJson<StatusDoc>(['status', runId], { home });
      expect(status).toMatchObject({ status: 'running', owner: { pid: ksa.pid } });
      expect(statusOf(status, 'long').status).toBe('running');
      expect((await ksaJson<RunsDoc>(['runs'], { home })).runs[0]).toMatchObject({ status: 'running', ownerPid: ksa.pid });
    } finally {
      ksa.kill('SIGINT');
    }
    expectExit(await ksa.result, 130);
  });

  it('with a bad --max-parallel: exit 2 before the plan is shown or the run opened; the run stays resumable', async () => {
    const { home, runId } = await crashedLongRun('bad-max-parallel');
    const result = await runKsa(['resume', runId, '--yes', '--max-parallel', '0'], { home });
    expectExit(result, 2);
    expect(result.stderr).toMatch(/^ksa: .*--max-parallel/m);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).owner).toBeUndefined();
  });

  it('after a crash: succeeded steps are not run again, their outputs feed templates, the leftover long step is stopped', async () => {
    const { dir, home, runId, longPid } = await crashedLongRun('crash-template');
    expect(isProcessAlive(longPid)).toBe(true); // kill -9 of ksa leaves the step running
    const status = await ksaJson<StatusDoc>(['status'], { home });
    expect(status).toMatchObject({ runId, status: 'interrupted', recordedStatus: 'running' });
    // `long` was running when ksa died: its status stays the recorded one (a contract status), marked interrupted.
    expect(status.steps.map((step) => step.status)).toEqual(['succeeded', 'running', 'pending']);
    expect(statusOf(status, 'long')).toMatchObject({ interrupted: true });
    const text = await runKsa(['status', runId], { home });
    expect(text.stdout).toMatch(/long\s+interrupted\s+1/);
    expect(text.stdout).toMatch(new RegExp(`Continue with: ksa resume ${runId}`));

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir });
    expectExit(resume, 0);
    expect(resume.stderr).toMatch(/Resuming: 1 of 3 steps are done and will not run again \(first\)/);
    expect(resume.stderr).toMatch(/long was running when the run stopped and will run again/);
    expect(resume.stderr).toMatch(new RegExp(`stopped 1 process group left running by the interrupted run: ${longPid} \\(\\S*sh -c echo .* long\\.pids`));
    expect(isProcessAlive(longPid)).toBe(false);
    const events = parseNdjson(resume.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(events[0]).toMatchObject({ type: 'run_started', resumed: true });
    expect(eventsOf(events, 'step_started').map((event) => event.stepId)).toEqual(['long', 'after']);
    const counts = lineCounts(dir);
    expect(counts.get('first')).toBe(1);
    expect(counts.get('after got first-output')).toBe(1);
    const final = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(final.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('ksa runs of an interrupted run: its duration ends where it last recorded anything, not now, in the table and --json alike', async () => {
    const { home, runId, longPid } = await crashedLongRun('duration-stops');
    killGroup(longPid);
    type Listed = RunsDoc['runs'][number] & { durationMs?: number; stoppedAt?: string };
    const listed = async () => (await ksaJson<{ runs: Listed[] }>(['runs'], { home })).runs.find((run) => run.runId === runId)!;
    const first = await listed();
    expect(first.status).toBe('interrupted');
    expect(first.durationMs).toBe(Date.parse(first.stoppedAt!) - Date.parse(first.startedAt!));
    const tableDuration = async () => (await runKsa(['runs'], { home })).stdout.split('\n').find((line) => line.startsWith(runId))!.split(/\s{2,}/)[3];
    const before = await tableDuration();
    expect(before).toBe(formatDuration(first.durationMs));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await tableDuration()).toBe(before);
    expect((await listed()).durationMs).toBe(first.durationMs);
  });

  it('a step waiting for its retry when the process died: status shows it interrupted, waiting for its next attempt on resume; ksa runs and ksa status say it stopped at the same time; resume goes on with it', async () => {
    const planFile = await sandbox.writePlan('retry-wait/plan.yaml', `goal: Retry across a crash
steps:
  - id: flaky
    tool: shell
    retry: { maxAttempts: 4, initialDelayMs: 30000, multiplier: 1 }
    args: { command: "echo try >> ran.log; if [ -f fixed ]; then echo ok; else echo not yet >&2; exit 3; fi" }
`);
    const dir = path.dirname(planFile);
    const home = path.join(sandbox.home, 'retry-wait');
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"step_retrying"'), 10_000);
    const runId = parseNdjson(ksa.stdout())[0]!.runId;
    await eventually(async () => (statusOf(await ksaJson<StatusDoc>(['status', runId], { home }), 'flaky').retryAt ? true : undefined), 10_000);
    ksa.kill('SIGKILL');
    await ksa.result;

    const status = await runKsa(['status', runId], { home });
    // Nothing retries it now: it is interrupted, and what resume does is its detail.
    expect(status.stdout).toMatch(/flaky\s+interrupted\s+1\s+\S+\s+waiting for its retry: attempt 2 of 4 on resume · .*not yet/);
    expect(status.stdout).not.toMatch(/flaky\s+retrying/);
    // One "stopped at" (the later of the record's last entry and the step's last output), in both commands, text and --json.
    const listed = (await ksaJson<{ runs: (RunsDoc['runs'][number] & { durationMs?: number; stoppedAt?: string })[] }>(['runs'], { home })).runs.find((run) => run.runId === runId)!;
    const shown = await ksaJson<StatusDoc & { stoppedAt?: string; durationMs?: number }>(['status', runId], { home });
    expect(shown.stoppedAt).toBeDefined();
    expect(shown.stoppedAt).toBe(listed.stoppedAt);
    expect(shown.durationMs).toBe(listed.durationMs);
    expect(Date.parse(shown.stoppedAt!)).toBeGreaterThanOrEqual(Date.parse(statusOf(shown, 'flaky').stoppedAt!));
    const table = (await runKsa(['runs'], { home })).stdout.split('\n').find((line) => line.startsWith(runId))!.split(/\s{2,}/)[3];
    expect(status.stdout).toContain(`  stopped ${shown.stoppedAt!.replace('T', ' ').slice(0, 19)} · after ${table}\n`);
    writeFileSync(path.join(dir, 'fixed'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(resume, 0);
    expect(resume.stderr).toContain('  flaky was waiting for its retry when the run stopped: attempt 2 of 4 runs next.\n');
    expect(resume.stderr).not.toMatch(/was running when the run stopped/);
    expect(lineCounts(dir).get('try')).toBe(2);
  });

  it('after a crash, a recorded process group id that another process has taken since is not stopped', async () => {
    const { dir, home, runId, longPid } = await crashedLongRun('group-reused');
    killGroup(longPid); // the leftover ended on its own: its group id is free
    // An unrelated process group that got that id, as after a reboot or a wrap-around.
    const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    leftovers.add(bystander.pid!);
    const file = path.join(home, 'runs', runId, 'processes.json');
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { groups: number[]; startTicks: Record<string, number> };
    expect(recorded.groups).toEqual([longPid]);
    writeFileSync(file, JSON.stringify({ ...recorded, groups: [bystander.pid], startTicks: { [String(bystander.pid)]: recorded.startTicks[String(longPid)] } }));

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(resume, 0);
    expect(resume.stderr).not.toMatch(/stopped \d+ process group/);
    expect(bystander.exitCode).toBeNull();
    expect(bystander.signalCode).toBeNull();
    expect(isProcessAlive(bystander.pid!)).toBe(true);
    killGroup(bystander.pid!);
  });

  it('after a crash, a failure in the resumed run rolls back the step that succeeded before the crash', async () => {
    const { dir, home, runId } = await crashedLongRun('crash-fail');
    writeFileSync(path.join(dir, 'fast'), '');
    writeFileSync(path.join(dir, 'fail'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir });
    expectExit(resume, 1);
    const events = parseNdjson(resume.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'rollback_step_succeeded').map((event) => event.stepId)).toEqual(['first']);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('failed');
    expect(statusOf(status, 'first')).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(statusOf(status, 'after')).toMatchObject({ status: 'failed' });
    expect(statusOf(status, 'after').logTail).toContain('[stderr] failing on purpose');
  });

  it('a second ksa resume while the first is running is refused naming its pid; Ctrl-C on the first still rolls back pre-crash steps', async () => {
    const { dir, home, runId } = await crashedLongRun('double-resume');
    const first = startKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(first.pid);
    // Owned by the first resume, and its `long` runs again (no `fast` file: it sleeps).
    await eventually(() => (lockPid(home, runId) === first.pid && first.stdout().includes('"step_started"') ? true : undefined), 10_000);
    const second = await runKsa(['resume', runId.slice(0, 12), '--yes'], { home, cwd: dir });
    expectExit(second, 2);
    expect(second.stderr).toMatch(new RegExp(`still running in process ${first.pid} \\(ksa resume ${runId}\\)`));

    first.kill('SIGINT');
    const result = await first.result;
    expectExit(result, 130);
    expect(expectWellFormedRun(parseNdjson(result.stdout))).toBe('cancelled');
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(true);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'first').rollback).toMatchObject({ status: 'succeeded' });
    // The run is finished now: resuming again says so.
    const again = await runKsa(['resume', runId, '--yes'], { home });
    expectExit(again, 2);
    expect(again.stderr).toMatch(/already finished \(cancelled\)/);
    expect(await waitFor(() => lockPid(home, runId) === undefined, 2000)).toBe(true);
  });
});
