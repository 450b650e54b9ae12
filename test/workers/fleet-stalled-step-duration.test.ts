import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A step that ends on its worker while Redis does not answer is heard of only once Redis answers again:
// its recorded duration is its worker's measure of it, not the time until the run heard of its end.

const fleet = fleetScenarios('ksa-fleet-stalled-step-duration-');

const PLAN = `goal: Ends while Redis is frozen
steps:
  - { id: a, tool: shell, runsOn: [web], args: { command: "touch a.started; while [ ! -f go ]; do sleep 0.05; done; touch a.ended" } }
`;

type Succeeded = { durationMs: number; worker?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('a worker step whose end the run hears late', () => {
  for (const [name, lockMs] of [['left', '2000'], ['reported', '30000']] as const) {
    it(`records its worker's duration (its report ${name === 'left' ? 'left beside its job, the lock expired' : 'finished once Redis answers'})`, async () => {
      const { redis, dir, home, workers } = await fleet.setup(name, []);
      workers.set('w1', await startWorker(redis.url, 'w1', { labels: ['web'], cwd: dir, home, env: { KSA_WORKER_LOCK_MS: lockMs } }));
      const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, PLAN);
      const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
      await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
      // Its start was heard as it happened, before the freeze.
      await run.waitForOutput((stdout) => eventsOf(parseNdjson(stdout), 'step_started', 'a').length > 0, 20_000);
      redis.freeze();
      writeFileSync(path.join(dir, 'go'), '');
      await eventually(() => (existsSync(path.join(dir, 'a.ended')) ? true : undefined), 20_000);
      // Redis stays frozen a while after the step's end: the run cannot hear of it before the thaw.
      await sleep(3000);
      const thawedAt = Date.now();
      redis.thaw();
      const result = await run.result;
      expect(result.code, describeResult(result)).toBe(0);
      const events = parseNdjson(result.stdout);
      const [succeeded] = eventsOf(events, 'step_succeeded', 'a') as unknown as Succeeded[];
      expect(succeeded?.worker).toBe('w1');
      // Heard at the thaw, it would end after the thaw; as its worker ran it, it ended before.
      const step = statusOf(await ksaJson<StatusDoc>(['status', events[0]!.runId as string, '--json'], { home, cwd: dir }), 'a') as ReturnType<typeof statusOf> & { startedAt: string; endedAt: string };
      expect(Date.parse(step.endedAt)).toBeLessThan(thawedAt);
      expect(succeeded!.durationMs).toBe(Date.parse(step.endedAt) - Date.parse(step.startedAt));
    }, 90_000);
  }
});
