import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, lineCounts, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';

// A fan-out is credited only to the workers that took a part: one whose worker never took it, or gave it
// back unrun, did not run there. A worker stopping after SIGTERM runs no part it holds without a free slot
// (it takes no new step): the part fails at once, and the fan-out does not wait for the worker's running step.

const fleet = fleetScenarios('ksa-fleet-fan-out-takers-');

const FAN = `goal: Once on every c worker
steps:
  - id: f
    runsOn: { labels: [c], each: true }
    tool: shell
    args: { command: "echo on $KSA_WORKER >> fan.log" }
`;

type Worked = StatusDoc['steps'][number] & { attemptWorkers?: { attempt: number; worker: string }[] };

describe.concurrent('a fan-out part that did not run on its worker', () => {
  it('a worker stopping after SIGTERM does not run the part it holds behind its running step: the part fails at once', async () => {
    const { redis, dir, home, workers } = await fleet.setup('stopping', ['c1', 'c2'], { labels: ['c'], concurrency: 1 });
    const busyPlan = await fleet.sandbox.writePlan('stopping/busy.yaml', `goal: Keep one c worker busy
steps:
  - id: busy
    runsOn: [c]
    tool: shell
    args: { command: "echo $KSA_WORKER > busy.on; while [ ! -f busy.go ]; do sleep 0.05; done; echo done" }
`);
    const busy = startKsa(['run', busyPlan, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 90_000 });
    await eventually(() => (existsSync(path.join(dir, 'busy.on')) ? true : undefined), 20_000);
    const held = readFileSync(path.join(dir, 'busy.on'), 'utf8').trim();
    const other = held === 'c1' ? 'c2' : 'c1';
    const fanPlan = await fleet.sandbox.writePlan('stopping/fan.yaml', FAN);
    const fan = startKsa(['run', fanPlan, '--yes', '--json', '--redis', redis.url, '--worker-wait', '5m'], { home, cwd: dir, timeoutMs: 90_000 });
    await fan.waitForOutput((stdout) => stdout.includes('"run_started"'), 20_000);
    const { runId } = parseNdjson(fan.stdout())[0]!;
    // The busy worker has taken its part (it waits there for the slot busy holds); the other ran its own.
    await waitForJobState(redis.url, `worker-${held}`, `${runId}.f.1.${held}`, 'active');
    await waitForJobState(redis.url, `worker-${other}`, `${runId}.f.1.${other}`, 'completed');
    const stopping = workers.get(held)!;
    stopping.kill('SIGTERM');
    await stopping.waitForOutput((stdout) => stdout.includes('SIGTERM: finishing 1 running step'), 10_000);
    // Its part fails without waiting for busy; busy is let go only after a while if it did not.
    await Promise.race([fan.result, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    writeFileSync(path.join(dir, 'busy.go'), '');
    const result = await fan.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect((await busy.result).code).toBe(0);
    expect((await stopping.result).code).toBe(143);
    expect(Object.fromEntries(lineCounts(dir, 'fan.log'))).toEqual({ [`on ${other}`]: 1 });
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_failed', 'f')).toEqual([
      expect.objectContaining({ worker: other, error: `failed on 1 of 2 workers: ${held}: not run: worker ${held} is stopping (it takes no new step) before it took this part of the fan-out` }),
    ]);
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(statusOf(status, 'f') as Worked).toMatchObject({ status: 'failed', worker: other, succeededOn: other, attemptWorkers: [{ attempt: 1, worker: other }] });
  }, 120_000);

  it('a worker that stopped answering before it took its part is not named: the step ran only on the other', async () => {
    const { redis, dir, home, workers } = await fleet.setup('silent', ['e1', 'e2'], { labels: ['c'], concurrency: 1 });
    workers.get('e2')!.kill('SIGSTOP');
    const fanPlan = await fleet.sandbox.writePlan('silent/fan.yaml', FAN);
    const fan = startKsa(['run', fanPlan, '--yes', '--json', '--redis', redis.url, '--worker-wait', '5m'], { home, cwd: dir, timeoutMs: 90_000 });
    const result = await fan.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(Object.fromEntries(lineCounts(dir, 'fan.log'))).toEqual({ 'on e1': 1 });
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_started', 'f')).toEqual([expect.objectContaining({ worker: 'e1' })]);
    expect(eventsOf(events, 'step_failed', 'f')).toEqual([expect.objectContaining({ worker: 'e1', error: 'failed on 1 of 2 workers: e2: not run: worker e2 stopped before it took this part of the fan-out' })]);
    const { runId } = events[0]!;
    const status = await ksaJson<StatusDoc>(['status', runId, '--json'], { home, cwd: dir });
    expect(statusOf(status, 'f') as Worked).toMatchObject({ status: 'failed', worker: 'e1', succeededOn: 'e1', attemptWorkers: [{ attempt: 1, worker: 'e1' }] });
    // Where it ran and where it succeeded are one worker: said once.
    const text = await runKsa(['status', runId], { home, cwd: dir });
    expect(text.stdout).toMatch(/^ +f +failed +1 +\S+ +e1 +failed on 1 of 2 workers/m);
    const log = readFileSync(path.join(home, 'runs', runId, 'logs', 'f.log'), 'utf8');
    expect(log).toMatch(/^--- attempt 1 started .* on e1$/m);
    expect(log).toMatch(/^--- failed on e1: /m);
  }, 120_000);
});
