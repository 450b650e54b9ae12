import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa } from '../helpers/cli.js';
import { sharedFleet } from '../helpers/fleet.js';

// --worker-wait ends the wait for a worker when it is up, not at the next look after it (the coordinator
// looks once a second): a step, and a fan-out, that no worker can take fail after the asked wait.

const fleet = sharedFleet('ksa-fleet-worker-wait-');

const PLANS = {
  train: 'goal: Nobody has a GPU\nsteps:\n  - { id: train, tool: shell, runsOn: [gpu], args: { command: "echo train" } }\n',
  warm: 'goal: Nobody has a GPU\nsteps:\n  - { id: warm, tool: shell, runsOn: { labels: [gpu], each: true }, args: { command: "echo warm" } }\n',
};

type StepEvent = { ts: string; error?: string };

describe('workers: --worker-wait', () => {
  it('a step and a fan-out no worker can take fail with the asked wait, once it is up', async () => {
    await fleet.worker('cpu-1', ['cpu']);
    for (const [step, plan] of Object.entries(PLANS)) {
      const planFile = await fleet.box.writePlan(`${step}.yaml`, plan);
      const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url, '--worker-wait', '1200ms'], { home: fleet.box.home, cwd: fleet.dir, timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      const events = parseNdjson(result.stdout);
      // No worker took it: it never started; its wait shows from its waiting line.
      expect(eventsOf(events, 'step_started', step), step).toEqual([]);
      const [waiting] = eventsOf(events, 'step_output', step) as unknown as StepEvent[];
      const [failed] = eventsOf(events, 'step_failed', step) as unknown as StepEvent[];
      expect(failed?.error, step).toBe('no worker took it within 1200ms: waiting for a worker (labels: gpu)');
      // Not up to a second late (a look at each tick would end it at 2 s); the slack is for a busy machine.
      const waited = Date.parse(failed!.ts) - Date.parse(waiting!.ts);
      expect(waited, step).toBeGreaterThanOrEqual(1000);
      expect(waited, step).toBeLessThan(1900);
    }
  }, 60_000);
});
