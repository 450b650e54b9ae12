import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { killGroup, ksaJson, lineCounts, readPids, type StatusDoc, waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// Crashes and cancels with workers, each against its own redis-server and `ksa worker` processes
// (lost-attempt detection shortened to a 2 s lock and a 1 s stalled check).

const fleet = fleetScenarios('ksa-fleet-faults-');
const { orphans } = fleet;

describe.concurrent('workers: faults', () => {
  it('a worker killed with kill -9 mid-step: the attempt is detected as lost and retried on another worker; counted once', async () => {
    const { redis, dir, home, workers } = await fleet.setup('worker-kill', ['w-a', 'w-b']);
    const planFile = await fleet.sandbox.writePlan('worker-kill/plan.yaml', `goal: Survive a worker
steps:
  - id: slow
    tool: shell
    retry: { maxAttempts: 2, initialDelayMs: 0 }
    args: { command: "echo $$ >> slow.pids; echo $KSA_WORKER >> started.log; sleep 3; echo $KSA_WORKER >> finished.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    const first = await eventually(() => lineCounts(dir, 'started.log').keys().next().value, 20_000);
    const killedAt = Date.now();
    workers.get(first)!.kill('SIGKILL');
    // Its shell is an orphan now: a dead machine would not finish it either.
    for (const pid of readPids(dir, 'slow.pids')) {
      orphans.add(pid);
      killGroup(pid);
    }
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const retrying = eventsOf(events, 'step_retrying', 'slow') as unknown as { attempt: number; worker?: string; error: string; ts: string }[];
    expect(retrying).toHaveLength(1);
    expect(retrying[0]!.worker).toBe(first);
    expect(retrying[0]!.error).toBe(`attempt lost: worker ${first} stopped answering (crashed or cut off)`);
    // Its shell was killed too: only noticing the lost worker lets the run go on (how soon is for bench/).
    console.log(`lost attempt detected ${Date.parse(retrying[0]!.ts) - killedAt} ms after kill -9 (lock 2 s, stalled check 1 s)`);
    const succeeded = eventsOf(events, 'step_succeeded', 'slow') as unknown as { attempt: number; worker?: string }[];
    const other = first === 'w-a' ? 'w-b' : 'w-a';
    expect(succeeded.map((event) => [event.attempt, event.worker])).toEqual([[2, other]]);
    expect([...lineCounts(dir, 'finished.log')]).toEqual([[other, 1]]);
  }, 90_000);

  it('the coordinator killed with kill -9: the worker finishes the step; ksa resume collects it by its job id without running it again', async () => {
    const { redis, dir, home, workers } = await fleet.setup('coordinator-kill', ['w-1']);
    const planFile = await fleet.sandbox.writePlan('coordinator-kill/plan.yaml', `goal: Survive the coordinator
steps:
  - id: first
    tool: shell
    args: { command: "echo first >> ran.log" }
  - id: middle
    tool: shell
    dependsOn: [first]
    args: { command: "sleep 3; echo middle >> ran.log; echo middle-output" }
  - id: last
    tool: shell
    dependsOn: [middle]
    args: { command: "echo 'last got {{ steps.middle.output.stdout }}' >> ran.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => /"type":"step_started"[^\n]*"stepId":"middle"/.test(stdout), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    // Killed once the store has it running on the worker (run.json is written in groups, a moment later).
    await waitForStoredStatus(runId, 'middle', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result;
    // The worker finishes the step on its own and keeps the result.
    await workers.get('w-1')!.waitForOutput((stdout) => /✓ \S+ middle \(attempt 1\)/.test(stdout), 20_000);
    expect(lineCounts(dir).get('middle')).toBe(1);

    // Without the Redis its steps went to, a resume would run them here (middle a second time): refused, saying where.
    const here = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 30_000 });
    expect(here.code, describeResult(here)).toBe(2);
    expect(here.stderr).toContain(`ksa: run ${runId} sent its steps to workers through ${redis.url}; resume it there: ksa resume ${runId} --redis ${redis.url}`);
    expect(lineCounts(dir).get('middle')).toBe(1);
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toContain(`ksa resume ${runId} --redis ${redis.url}`);

    const resume = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    expect(resume.stderr).toContain('middle was running on workers when the run stopped: a result given since is collected, not run again; if there is none, it runs again.');
    const events = parseNdjson(resume.stdout);
    const middle = eventsOf(events, 'step_succeeded', 'middle') as unknown as { attempt: number; worker: string; output: { stdout: string } }[];
    expect(middle.map((event) => [event.attempt, event.worker, event.output.stdout])).toEqual([[1, 'w-1', 'middle-output']]);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ first: 1, middle: 1, 'last got middle-output': 1 });
  }, 90_000);

  it('ksa cancel reaches the worker: the running step is aborted there (process tree killed) and rollbacks run where their steps ran', async () => {
    const { redis, dir, home } = await fleet.setup('cancel', ['w-x']);
    const planFile = await fleet.sandbox.writePlan('cancel/plan.yaml', `goal: Cancel on a worker
steps:
  - id: first
    tool: shell
    args: { command: "echo first-on-$KSA_WORKER" }
    rollback: { tool: shell, args: { command: "echo undone-on-$KSA_WORKER >> rollback.log" } }
  - id: long
    tool: shell
    dependsOn: [first]
    args: { command: "sh -c 'echo $$ > child.pid; sleep 30' & echo $$ > long.pid; wait" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'child.pid')) && existsSync(path.join(dir, 'long.pid')) ? true : undefined), 20_000);
    const pids = [...readPids(dir, 'long.pid'), ...readPids(dir, 'child.pid')];
    for (const pid of pids) orphans.add(pid);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    const cancel = await runKsa(['cancel', runId], { home, cwd: dir, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    const result = await run.result;
    expect(result.code).toBe(130);
    for (const pid of pids) expect(await waitFor(() => !isProcessAlive(pid), 5000), `pid ${pid} still alive`).toBe(true);
    expect([...lineCounts(dir, 'rollback.log').keys()]).toEqual(['undone-on-w-x']);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_cancelled', 'long')).toHaveLength(1);
    expect(eventsOf(events, 'rollback_step_succeeded', 'first')).toHaveLength(1);
  }, 90_000);
});

describe('workers: stopping', () => {
  it('SIGTERM after Redis went away: nothing runs, so the worker stops (exit 143) instead of waiting on Redis for good', async () => {
    const { redis, workers } = await fleet.setup('sigterm-no-redis', ['w-gone']);
    await redis.stop('SIGKILL');
    const worker = workers.get('w-gone')!;
    worker.kill('SIGTERM');
    const stopped = await worker.result;
    expect(stopped.timedOut, describeResult(stopped)).toBe(false);
    expect(stopped.code, describeResult(stopped)).toBe(143);
    expect(stopped.stdout).toMatch(/SIGTERM: finishing 0 running steps/);
  }, 60_000);

  it('SIGTERM: the worker finishes the step it runs, takes no new one, leaves the registry and exits 143', async () => {
    const { redis, dir, home, workers } = await fleet.setup('sigterm', ['w-t']);
    const planFile = await fleet.sandbox.writePlan('sigterm/plan.yaml', `goal: Finish before stopping
steps:
  - id: running
    tool: shell
    args: { command: "echo started >> started.log; sleep 1.5; echo running >> ran.log" }
  - id: next
    tool: shell
    dependsOn: [running]
    args: { command: "echo next >> ran.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '3s'], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size > 0 ? true : undefined), 20_000);
    const worker = workers.get('w-t')!;
    worker.kill('SIGTERM');
    const stopped = await worker.result;
    expect(stopped.code, describeResult(stopped)).toBe(143);
    expect(stopped.stdout).toMatch(/SIGTERM: finishing 1 running step/);
    expect(stopped.stdout).toMatch(/✓ \S+ running \(attempt 1\)/);
    // The step it ran succeeded; the next one found no worker and failed after --worker-wait.
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_succeeded', 'running')).toHaveLength(1);
    expect(String((eventsOf(events, 'step_failed', 'next')[0] as unknown as { error: string }).error)).toMatch(/no worker took it within 3s/);
    expect(Object.fromEntries(lineCounts(dir))).toEqual({ running: 1 });
    const listed = await runKsa(['workers', '--redis', redis.url, '--json'], { home });
    expect(JSON.parse(listed.stdout).workers).toEqual([]);
  }, 90_000);
});

describe('workers: Redis restarted mid-run', () => {
  it('coordinator and worker reconnect; the attempt whose job Redis lost is stopped on its worker and retried under its policy; every step succeeds once', async () => {
    const { redis, dir, home, workers } = await fleet.setup('redis-restart', ['w-r']);
    const planFile = await fleet.sandbox.writePlan('redis-restart/plan.yaml', `goal: Survive a Redis restart
steps:
  - id: a
    tool: shell
    retry: { maxAttempts: 3, initialDelayMs: 200 }
    args: { command: "echo a-start >> started.log; sleep 5; echo a >> ran.log" }
  - id: b
    tool: shell
    dependsOn: [a]
    retry: { maxAttempts: 3, initialDelayMs: 200 }
    args: { command: "echo b >> ran.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size > 0 ? true : undefined), 20_000);
    await redis.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.restart();
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_succeeded', 'a')).toHaveLength(1);
    expect(eventsOf(events, 'step_succeeded', 'b')).toHaveLength(1);
    const retried = eventsOf(events, 'step_retrying', 'a') as unknown as { error: string }[];
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(retried[0]!.error).toMatch(/attempt lost/);
    expect(lineCounts(dir).get('b')).toBe(1);
    // The lost attempt was stopped on its worker once Redis was back without its job: it did not finish beside its retry.
    expect(lineCounts(dir, 'started.log').get('a-start')).toBeGreaterThanOrEqual(2);
    expect(lineCounts(dir).get('a')).toBe(1);
    // The worker says why it took nothing for a while.
    const shown = redis.url.replace(/\/+$/, '');
    await workers.get('w-r')!.waitForOutput((stdout) => stdout.includes(`connected to Redis at ${shown} again`), 10_000);
    expect(workers.get('w-r')!.stdout()).toContain(`lost the connection to Redis at ${shown}; waiting for it to come back`);
  }, 90_000);

  it('an attempt Redis lost, without retries: the run fails and ksa exits 1 (it does not wait on BullMQ after the run has ended)', async () => {
    const { redis, dir, home } = await fleet.setup('redis-restart-fail', ['w-f']);
    const planFile = await fleet.sandbox.writePlan('redis-restart-fail/plan.yaml', `goal: Lose an attempt to a Redis restart
steps:
  - id: long
    tool: shell
    args: { command: "echo long-start >> started.log; sleep 4; echo done" }
  - id: after
    tool: shell
    dependsOn: [long]
    args: { command: "echo after" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    await eventually(() => (lineCounts(dir, 'started.log').size > 0 ? true : undefined), 20_000);
    await redis.stop('SIGKILL');
    // While Redis is away the run says so once, as its note on stderr (not as the step's output), instead of seeming to hang.
    const shown = redis.url.replace(/\/+$/, '');
    await run.waitForOutput((_stdout, stderr) => stderr.includes(`ksa: lost the connection to Redis at ${shown}; waiting for it to come back`), 15_000);
    await redis.restart();
    const result = await run.result;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    const finished = eventsOf(events, 'run_finished')[0] as unknown as { status: string; error: string };
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/attempt lost/);
    const said = result.stderr.split('\n');
    expect(said.filter((line) => line.includes('lost the connection'))).toEqual([`ksa: lost the connection to Redis at ${shown}; waiting for it to come back (steps on workers go on there)`]);
    expect(said.filter((line) => line.includes('again'))).toEqual([`ksa: connected to Redis at ${shown} again`]);
    // No step printed it: not in the step's output events nor its log.
    const output = (eventsOf(events, 'step_output', 'long') as unknown as { line: string }[]).map((event) => event.line);
    expect(output.filter((line) => line.includes('connect'))).toEqual([]);
    const status = await ksaJson<StatusDoc>(['status'], { home });
    const log = readFileSync(path.join(status.logDir, 'long.log'), 'utf8');
    expect(log).not.toContain('lost the connection');
    expect(log).not.toContain('connected to Redis');
  }, 90_000);

  it('a cancel while Redis is away reaches the worker once it is back: the step stops there before its work is done', async () => {
    const { redis, dir, home } = await fleet.setup('redis-away-cancel', ['w-c']);
    const planFile = await fleet.sandbox.writePlan('redis-away-cancel/plan.yaml', `goal: Cancel while Redis is away
steps:
  - id: first
    tool: shell
    args: { command: "echo first" }
    rollback: { tool: shell, args: { command: "echo undone >> rollback.log" } }
  - id: long
    tool: shell
    dependsOn: [first]
    args: { command: "echo $$ > long.pid; sleep 20; echo finished >> late.log" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'long.pid')) ? true : undefined), 20_000);
    const [pid] = readPids(dir, 'long.pid');
    orphans.add(pid!);
    await redis.stop('SIGKILL');
    run.kill('SIGINT');
    // The rollback cannot be sent until Redis is back: it says so, instead of seeming to hang.
    const shown = redis.url.replace(/\/+$/, '');
    await run.waitForOutput((_stdout, stderr) => stderr.includes(`ksa: lost the connection to Redis at ${shown}; waiting for it to come back`), 20_000);
    await redis.restart();
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(130);
    // The step's shell is stopped on the worker (not left to finish 20 s later, after the rollback).
    expect(await waitFor(() => !isProcessAlive(pid!), 10_000), `pid ${pid} still alive`).toBe(true);
    expect(existsSync(path.join(dir, 'late.log'))).toBe(false);
    expect([...lineCounts(dir, 'rollback.log').keys()]).toEqual(['undone']);
  }, 90_000);
});
