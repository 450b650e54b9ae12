import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, lineCounts, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// A fan-out is credited only to the workers that took a part: one whose worker never took it, or gave it
// back unrun, did not run there.

const fleet = fleetScenarios('ksa-fleet-fan-out-takers-');

const FAN = `goal: Once on every c worker
steps:
  - id: f
    runsOn: { labels: [c], each: true }
    tool: shell
    args: { command: "echo on $KSA_WORKER >> fan.log" }
`;

type Worked = StatusDoc['steps'][number] & { attemptWorkers?: { attempt: number; worker: string }[] };

describe('a fan-out part that did not run on its worker', () => {
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
    const log = readFileSync(path.join(home, 'runs', runId, 'logs', 'f.log'), 'utf8');
    expect(log).toMatch(/^--- attempt 1 started .* on e1$/m);
    expect(log).toMatch(/^--- failed on e1: /m);
  }, 120_000);
});
