import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, lineCounts, readRunFile, statusOf, type StatusDoc } from '../helpers/durable.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { spawnKsaPty, type KsaPty } from '../helpers/pty.js';

// Live pause: `ksa pause` from another process, `ksa resume` of the paused live run
// (it goes on in its owner), a paused run surviving its process, and `p` in the live view.

/** `first` runs until the file go-first exists; `second` only after it. */
const PAUSE_PLAN = `goal: Pause and resume
steps:
  - id: first
    tool: shell
    args: { command: "echo $$ >> first.pids; while [ ! -f go-first ]; do sleep 0.05; done; echo first >> ran.log" }
  - id: second
    tool: shell
    dependsOn: [first]
    args: { command: "echo second >> ran.log" }
`;

/** `flaky` fails its first attempt ("not yet") and succeeds on the second, 3 s later. */
const RETRY_PLAN = `goal: Retry while paused
steps:
  - id: flaky
    tool: shell
    retry: { maxAttempts: 2, initialDelayMs: 3000 }
    args: { command: "echo try >> ran.log; if [ -f tried ]; then echo ok; else touch tried; echo not yet >&2; exit 3; fi" }
`;

let sandbox: CliSandbox;
const leftovers = new Set<number>();
const terminals: KsaPty[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-pause-');
});
afterAll(async () => {
  for (const terminal of terminals) terminal.dispose();
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

async function setUp(name: string): Promise<{ plan: string; dir: string; home: string }> {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, PAUSE_PLAN);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  return { plan, dir: path.dirname(plan), home };
}

/** `ksa run --json` of the plan, once its stdout shows `until` (an event type in quotes): the owner and the run id. */
async function startOwner(plan: string, dir: string, home: string, until = '"step_started"'): Promise<{ owner: KsaProcess; runId: string }> {
  const owner = startKsa(['run', plan, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
  leftovers.add(owner.pid);
  await owner.waitForOutput((stdout) => stdout.includes(until), 10_000);
  return { owner, runId: parseNdjson(owner.stdout())[0]!.runId };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('pause and resume', () => {
  it('ksa pause from another process: running steps finish, none starts; ksa resume goes on in the owner; --json has run_paused and run_resumed', async () => {
    const { plan, dir, home } = await setUp('live');
    const { owner, runId } = await startOwner(plan, dir, home);

    const pause = await runKsa(['pause', runId, '--json'], { home, timeoutMs: 15_000 });
    expectExit(pause, 0);
    expect(JSON.parse(pause.stdout)).toEqual({ runId, status: 'paused', running: ['first'] });
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('paused');
    expect(statusOf(status, 'first').status).toBe('running');
    const text = await runKsa(['status', runId], { home });
    expect(text.stdout).toMatch(/paused/);
    expect(text.stdout).toMatch(/still running \(they finish\): first/);

    // The running step finishes; the next one does not start while paused.
    writeFileSync(path.join(dir, 'go-first'), '');
    await owner.waitForOutput((stdout) => stdout.includes('"step_succeeded"'), 10_000);
    await sleep(700);
    expect(lineCounts(dir).get('first')).toBe(1);
    expect(lineCounts(dir).has('second')).toBe(false);
    expect(eventsOf(parseNdjson(owner.stdout()), 'step_started', 'second')).toEqual([]);
    expect(readRunFile(home, runId)?.state.status).toBe('paused');

    const resume = await runKsa(['resume', runId, '--json', '--max-parallel', '1'], { home, timeoutMs: 15_000 });
    expectExit(resume, 0);
    expect(JSON.parse(resume.stdout)).toMatchObject({ type: 'run_resumed', runId, owner: owner.pid });
    expect(resume.stderr).toContain(`ksa: warning: --max-parallel does not apply: run ${runId} goes on in process ${owner.pid} as it was started there`);
    const result = await owner.result;
    expectExit(result, 0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    const types = events.map((event) => event.type);
    expect(types.indexOf('run_paused')).toBeGreaterThan(types.indexOf('step_started'));
    expect(types.indexOf('run_resumed')).toBeGreaterThan(types.indexOf('step_succeeded'));
    expect(types.indexOf('run_resumed')).toBeLessThan(types.lastIndexOf('step_started'));
    expect(lineCounts(dir).get('second')).toBe(1);
    expect(existsSync(path.join(home, 'runs', runId, 'pause.request'))).toBe(false);
  });

  it('ksa resume --follow of a live paused run that then fails: it follows the run, ends with its exit code 1 and a run_finished that says failed', async () => {
    const plan = await sandbox.writePlan('fails/plan.yaml', PAUSE_PLAN.replace('args: { command: "echo second >> ran.log" }', 'args: { command: "echo second >> ran.log; exit 4" }'));
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'fails');
    mkdirSync(home, { recursive: true });
    const { owner, runId } = await startOwner(plan, dir, home);
    expectExit(await runKsa(['pause', runId], { home, timeoutMs: 15_000 }), 0);
    writeFileSync(path.join(dir, 'go-first'), '');
    await owner.waitForOutput((stdout) => stdout.includes('"step_succeeded"'), 10_000);
    const resume = await runKsa(['resume', runId, '--json', '--follow'], { home, timeoutMs: 15_000 });
    expectExit(resume, 1);
    expect(parseNdjson(resume.stdout)).toEqual([
      expect.objectContaining({ type: 'run_resumed', runId, owner: owner.pid }),
      expect.objectContaining({ type: 'run_finished', runId, status: 'failed', failedStepId: 'second', durationMs: expect.any(Number) }),
    ]);
    expectExit(await owner.result, 1);
    const text = await runKsa(['resume', runId], { home });
    expectExit(text, 2);
  });

  it('a paused run survives its process (kill -9) and ksa resume continues it; pause of a run without a process is refused', async () => {
    const { plan, dir, home } = await setUp('survive');
    const { owner, runId } = await startOwner(plan, dir, home);
    expectExit(await runKsa(['pause', runId], { home, timeoutMs: 15_000 }), 0);
    owner.kill('SIGKILL');
    await owner.result;

    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('paused');
    // Its process is gone: nothing runs, and the step it was running is shown cut short, as for an interrupted run.
    const shown = await runKsa(['status', runId], { home });
    expect(shown.stdout).toContain('paused: no new step starts; the process running it is gone (first cut short)');
    expect(shown.stdout).toMatch(/^ {2}first +interrupted +1 /m);
    expect(shown.stdout).toContain(`The process running it is gone. Continue with: ksa resume ${runId}`);
    // Not "running for": it started that long ago.
    expect(shown.stdout).toMatch(/^ {2}started \S+ \S+ · \S+ ago$/m);
    const refused = await runKsa(['pause', runId], { home });
    expectExit(refused, 2);
    expect(refused.stderr).toMatch(new RegExp(`run ${runId} is paused: no process is running it.*ksa resume ${runId}`));

    writeFileSync(path.join(dir, 'go-first'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resumed, 0);
    expect(expectWellFormedRun(parseNdjson(resumed.stdout))).toBe('succeeded');
    expect(lineCounts(dir).get('second')).toBe(1);

    const finished = await runKsa(['pause', runId], { home });
    expectExit(finished, 2);
    expect(finished.stderr).toMatch(/already finished \(succeeded\); there is nothing to pause/);
  });

  it('a pause its owner does not answer in time is withdrawn: neither that process nor the one resuming the run after it pauses later', async () => {
    const { plan, dir, home } = await setUp('withdrawn');
    const { owner, runId } = await startOwner(plan, dir, home);
    owner.kill('SIGSTOP');
    const late = await runKsa(['pause', runId, '--timeout', '1'], { home, timeoutMs: 15_000 });
    expectExit(late, 1);
    expect(late.stderr).toMatch(new RegExp(`run ${runId} has not paused 1s after the request, which is withdrawn`));
    owner.kill('SIGCONT');
    await sleep(1200);
    expect((await ksaJson<StatusDoc>(['status', runId], { home })).status).toBe('running');

    // A request the owner never read, left by a ksa pause that died with it, is not for the next owner.
    owner.kill('SIGKILL');
    await owner.result;
    writeFileSync(path.join(home, 'runs', runId, 'pause.request'), JSON.stringify({ paused: true, requestedAt: new Date().toISOString(), by: 1, to: owner.pid }));
    writeFileSync(path.join(dir, 'go-first'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resumed, 0);
    expect(eventsOf(parseNdjson(resumed.stdout), 'run_paused')).toEqual([]);
    expect(expectWellFormedRun(parseNdjson(resumed.stdout))).toBe('succeeded');
  });

  it('a step waiting for its retry is not "still running" while paused: it waits for the resume, in ksa pause, ksa status and the run', async () => {
    const plan = await sandbox.writePlan('retry/plan.yaml', RETRY_PLAN);
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'retry');
    mkdirSync(home, { recursive: true });
    const { owner, runId } = await startOwner(plan, dir, home, '"step_retrying"');

    const pause = await runKsa(['pause', runId, '--json'], { home, timeoutMs: 15_000 });
    expectExit(pause, 0);
    expect(JSON.parse(pause.stdout)).toEqual({ runId, status: 'paused', running: [], retrying: ['flaky'] });
    const text = await runKsa(['status', runId], { home });
    expect(text.stdout).toMatch(/paused: no new step starts; waiting to retry once resumed: flaky/);
    expect(text.stdout).not.toMatch(/still running/);
    expect(text.stdout).toMatch(/flaky\s+retrying\s+1 .*not yet/);
    const doc = await ksaJson<StatusDoc>(['status', runId], { home });
    const retryAt = Date.parse(statusOf(doc, 'flaky').retryAt!);

    // Past the retry's due time, the paused run has not started it.
    await sleep(Math.max(0, retryAt - Date.now()) + 700);
    expect(eventsOf(parseNdjson(owner.stdout()), 'step_started', 'flaky')).toHaveLength(1);
    expect(lineCounts(dir).get('try')).toBe(1);

    expectExit(await runKsa(['resume', runId], { home, timeoutMs: 15_000 }), 0);
    const result = await owner.result;
    expectExit(result, 0);
    expect(lineCounts(dir).get('try')).toBe(2);
    expect(JSON.stringify((await ksaJson<StatusDoc>(['status', runId], { home })).steps)).not.toContain('retryAt');
  });

  it('p in the live view of ksa run pauses and resumes the run', async () => {
    const { plan, dir, home } = await setUp('pty');
    const terminal = spawnKsaPty(['run', plan, '--yes'], { cwd: dir, home, timeoutMs: 25_000 });
    terminals.push(terminal);
    await terminal.waitForOutput('p pauses');
    await terminal.waitForOutput(/first running/);
    terminal.write('p');
    await terminal.waitForOutput('paused: no new step starts; still running (they finish): first');
    await terminal.waitForOutput('p resumes');
    writeFileSync(path.join(dir, 'go-first'), '');
    await terminal.waitForOutput(/first succeeded/);
    await sleep(700);
    expect(lineCounts(dir).has('second')).toBe(false);
    const runId = readRunId(home);
    expect(readRunFile(home, runId)?.state.status).toBe('paused');
    terminal.write('p');
    const exit = await terminal.exited;
    expect(exit.exitCode).toBe(0);
    expect(lineCounts(dir).get('second')).toBe(1);
    expect(await terminal.screen()).toMatch(/2\/2 steps succeeded|succeeded/);
  });

  it('Ctrl-C in the live view: its notice stays on screen above the view, and no frame of the running view is left behind', async () => {
    const { plan, dir, home } = await setUp('ctrl-c');
    const terminal = spawnKsaPty(['run', plan, '--yes'], { cwd: dir, home, timeoutMs: 25_000 });
    terminals.push(terminal);
    await terminal.waitForOutput(/first running/);
    await terminal.waitForOutput('p pauses');
    terminal.write('\u0003');
    const exit = await terminal.exited;
    expect(exit.exitCode).toBe(130);
    const screen = await terminal.screen();
    expect(screen).toContain('ksa: SIGINT: cancelling, aborting running steps and rolling back (press Ctrl-C again to stop at once)');
    // The live frame is redrawn in place: once cancelled, nothing on screen still offers p or says first is running.
    expect(screen).not.toContain('p pauses');
    expect(screen).not.toMatch(/first running/);
  });
});

function readRunId(home: string): string {
  return readdirSync(path.join(home, 'runs')).filter((name) => existsSync(path.join(home, 'runs', name, 'run.json')))[0]!;
}
