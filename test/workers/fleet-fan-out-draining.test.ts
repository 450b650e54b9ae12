import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { lineCounts } from '../helpers/durable.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A worker stopping after SIGTERM finishes what it runs and takes no new step: it is shown stopping and
// a fan-out started meanwhile runs on the other live workers only, not waiting for it.

const fleet = fleetScenarios('ksa-fleet-fan-out-draining-');

type Listed = { workers: { name: string; stopping?: boolean }[] };

describe('a fan-out while one of its workers is stopping', () => {
  it('runs on the others at once; ksa workers shows it stopping', async () => {
    const { redis, dir, home, workers } = await fleet.setup('drain', []);
    workers.set('fan-2', await startWorker(redis.url, 'fan-2', { labels: ['fan'], cwd: dir, home: path.join(dir, 'fan-2-home') }));
    const draining = await startWorker(redis.url, 'fan-3', { labels: ['fan', 'drain'], cwd: dir, home: path.join(dir, 'fan-3-home') });
    workers.set('fan-3', draining);
    const longPlan = await fleet.sandbox.writePlan('drain/long.yaml', `goal: A long step on the draining worker
steps:
  - id: long
    tool: shell
    runsOn: [drain]
    args: { command: "touch long.started; while [ ! -f long.go ]; do sleep 0.1; done; echo long-done" }
`);
    const long = startKsa(['run', longPlan, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 90_000 });
    await eventually(() => (existsSync(path.join(dir, 'long.started')) ? true : undefined), 20_000);
    draining.kill('SIGTERM');
    await draining.waitForOutput((stdout) => stdout.includes('SIGTERM: finishing 1 running step'), 10_000);

    const listed = await runKsa(['workers', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 20_000 });
    expect((JSON.parse(listed.stdout) as Listed).workers).toEqual([expect.objectContaining({ name: 'fan-2' }), expect.objectContaining({ name: 'fan-3', stopping: true })]);
    expect((JSON.parse(listed.stdout) as Listed).workers[0]!.stopping).toBeUndefined();
    const text = await runKsa(['workers', '--redis', redis.url], { home, cwd: dir, timeoutMs: 20_000 });
    expect(text.stdout).toMatch(/^fan-3 .*stopping \(takes no new step\)$/m);

    const fanPlan = await fleet.sandbox.writePlan('drain/fan.yaml', `goal: Touch every fan host
steps:
  - id: touch
    tool: shell
    runsOn: { labels: [fan], each: true }
    args: { command: "echo touched-$KSA_WORKER >> touched.log" }
`);
    // A part waiting for the stopping worker would wait past the harness's patience: ending at all says none did.
    const fan = await runKsa(['run', fanPlan, '--yes', '--json', '--redis', redis.url, '--worker-wait', '10m'], { home, cwd: dir, timeoutMs: 60_000 });
    expect(fan.timedOut, describeResult(fan)).toBe(false);
    expect(fan.code, describeResult(fan)).toBe(0);
    const touch = eventsOf(parseNdjson(fan.stdout), 'step_succeeded', 'touch')[0] as unknown as { worker: string };
    expect(touch.worker).toBe('fan-2');
    expect(Object.fromEntries(lineCounts(dir, 'touched.log'))).toEqual({ 'touched-fan-2': 1 });

    // The step it ran still finishes there, then it stops.
    writeFileSync(path.join(dir, 'long.go'), '');
    const longDone = await long.result;
    expect(longDone.code, describeResult(longDone)).toBe(0);
    expect((await draining.result).code).toBe(143);
  }, 120_000);
});
