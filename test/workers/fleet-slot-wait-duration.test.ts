import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A worker with --concurrency 1 takes a second step from another of its queues while the first runs: that
// step waits there for the slot. Its duration, like its timeout, counts from when the worker took it, and its
// recorded end is not before it really ended.

const fleet = fleetScenarios('ksa-fleet-slot-wait-duration-');

const step = (id: string, labels: string) =>
  `  - { id: ${id}, tool: shell, runsOn: [${labels}], args: { command: "node -e 'console.log(Date.now())' > ${id}.start; sleep 2; node -e 'console.log(Date.now())' > ${id}.end" } }\n`;

type Stored = { steps: { id: string; startedAt: string; endedAt: string }[] };

describe('a step that waited for a slot on its worker', () => {
  it('ends, in the record, after it ended on the worker, its duration counted from its taking', async () => {
    const { redis, dir, home, workers } = await fleet.setup('slot', []);
    workers.set('w1', await startWorker(redis.url, 'w1', { labels: ['web', 'db'], concurrency: 1, cwd: dir, home }));
    const planFile = await fleet.sandbox.writePlan('slot/plan.yaml', `goal: Two steps for one slot\nsteps:\n${step('a', 'web')}${step('b', 'web, db')}`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const runId = (events[0] as { runId: string }).runId;
    const durations = Object.fromEntries(['a', 'b'].map((id) => [id, (eventsOf(events, 'step_succeeded', id)[0] as unknown as { durationMs: number }).durationMs]));
    const status = await runKsa(['status', runId, '--json'], { home, cwd: dir });
    const steps = Object.fromEntries((JSON.parse(status.stdout) as Stored).steps.map((st) => [st.id, st]));
    const ran = (id: string, edge: 'start' | 'end') => Number(readFileSync(path.join(dir, `${id}.${edge}`), 'utf8'));
    // One ran after the other, on the one slot: the second was taken while the first ran, and waited.
    const [first, second] = ran('a', 'start') < ran('b', 'start') ? ['a', 'b'] : ['b', 'a'];
    expect(ran(second!, 'start')).toBeGreaterThanOrEqual(ran(first!, 'end'));
    expect(Date.parse(steps[second!]!.startedAt)).toBeLessThan(ran(first!, 'end'));
    for (const id of ['a', 'b']) expect(Date.parse(steps[id]!.endedAt), id).toBeGreaterThanOrEqual(ran(id, 'end'));
    // Its wait for the slot and its own run: the first step's remaining time and its own 2 s.
    expect(durations[second!]).toBeGreaterThanOrEqual(ran(second!, 'end') - Date.parse(steps[second!]!.startedAt));
  }, 90_000);
});
