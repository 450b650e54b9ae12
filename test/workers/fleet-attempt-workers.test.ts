import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { killGroup, lineCounts, readPids } from '../helpers/durable.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A step whose attempts ran on different workers: the run record (run.json, ksa status, --json) names
// the worker of each attempt, not only the last one's.

const fleet = fleetScenarios('ksa-fleet-attempt-workers-');

describe('workers: the run record names the worker of every attempt', () => {
  it('attempt 1 lost with its worker (kill -9), attempt 2 on another: run.json, ksa status and --json name both', async () => {
    const { redis, dir, home, workers } = await fleet.setup('lost', ['web-b'], { labels: ['web'] });
    const planFile = await fleet.sandbox.writePlan('lost/plan.yaml', `goal: Survive a lost worker
steps:
  - id: deploy
    tool: shell
    runsOn: [web]
    retry: { maxAttempts: 3, initialDelayMs: 0 }
    args: { command: "echo $$ >> $KSA_WORKER.pids; echo $KSA_WORKER >> started.log; if [ $KSA_WORKER = web-b ]; then sleep 30; fi" }
`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (lineCounts(dir, 'started.log').get('web-b') === 1 ? true : undefined), 20_000);
    // Only now a second worker: attempt 1 is surely web-b's, and attempt 2 can go nowhere else.
    const webA = await startWorker(redis.url, 'web-a', { labels: ['web'], cwd: dir, home, concurrency: 1 });
    workers.set('web-a', webA);
    workers.get('web-b')!.kill('SIGKILL');
    for (const pid of readPids(dir, 'web-b.pids')) {
      fleet.orphans.add(pid);
      killGroup(pid);
    }
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const runId = events[0]!.runId as string;
    expect(eventsOf(events, 'step_started', 'deploy').map((event) => [event.attempt, event.worker])).toEqual([
      [1, 'web-b'],
      [2, 'web-a'],
    ]);

    const byAttempt = [
      { attempt: 1, worker: 'web-b' },
      { attempt: 2, worker: 'web-a' },
    ];
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')) as { state: { steps: Record<string, { worker?: string; attemptWorkers?: unknown }> } };
    expect(record.state.steps.deploy).toMatchObject({ worker: 'web-a', attemptWorkers: byAttempt });

    const json = await runKsa(['status', runId, '--json'], { home, cwd: dir });
    expect(json.code, describeResult(json)).toBe(0);
    const step = (JSON.parse(json.stdout) as { steps: { id: string; worker?: string; attemptWorkers?: unknown }[] }).steps.find((each) => each.id === 'deploy');
    expect(step).toMatchObject({ worker: 'web-a', attemptWorkers: byAttempt });

    const text = await runKsa(['status', runId], { home, cwd: dir });
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toMatch(/deploy\s+succeeded\s+2\s+\S+\s+web-a \(attempt 1 on web-b\)/);
  }, 90_000);
});
