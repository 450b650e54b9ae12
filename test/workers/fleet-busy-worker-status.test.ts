import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { describeResult, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// A step queued behind a busy worker that offers its labels has not started either: it says nothing of a wait
// (a live worker could take it), yet ksa status lists it as waiting, as --json and ksa pause do.

const fleet = sharedFleet('ksa-fleet-busy-worker-status-');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('workers: a step queued behind a busy worker', () => {
  it('is waiting in ksa status (text and --json) and held in ksa pause and the paused status alike', async () => {
    await fleet.worker('cpu-1', ['cpu'], { concurrency: 1 });
    const release = path.join(fleet.dir, 'release-busy');
    // Bounded: a test that fails before it releases them must not leave the steps looping on the worker.
    const gate = `i=0; while [ ! -f '${release}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`;
    const plan = `goal: Two on one busy worker\nsteps:\n  - { id: one, tool: shell, runsOn: [cpu], args: { command: "${gate}" } }\n  - { id: two, tool: shell, runsOn: [cpu], args: { command: "${gate}" } }\n`;
    const planFile = await fleet.box.writePlan('busy.yaml', plan);
    const options = { home: fleet.box.home, cwd: fleet.dir };
    const owner = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url, '--worker-wait', '60s'], { ...options, timeoutMs: 60_000 });
    try {
      await owner.waitForOutput((stdout) => stdout.includes('"type":"step_started"'), 20_000);
      const events = parseNdjson(owner.stdout());
      const runId = String(events[0]!.runId);
      const taken = String(events.find((event) => event.type === 'step_started')!.stepId);
      const queued = taken === 'one' ? 'two' : 'one';
      await sleep(1000);

      const json = await ksaJson<StatusDoc>(['status', runId, '--json'], options);
      expect(statusOf(json, queued)).toMatchObject({ status: 'running', waitingForWorker: true, workerLabels: ['cpu'] });
      expect(statusOf(json, taken)).not.toHaveProperty('waitingForWorker');
      const text = await runKsa(['status', runId], options);
      const row = (id: string) => text.stdout.split('\n').find((line) => line.trimStart().startsWith(`${id} `)) ?? '';
      expect(row(queued), text.stdout).toMatch(new RegExp(`^ {2}${queued} +waiting +1 +– +- +waiting for a worker \\d+(\\.\\d)?m?s \\(labels: cpu\\)`));
      expect(row(taken)).toMatch(new RegExp(`^ {2}${taken} +running +1 `));

      const paused = await runKsa(['pause', runId], options);
      expect(paused.code, describeResult(paused)).toBe(0);
      const detail = `still running (they finish): ${taken}; waiting for a worker, held until resumed: ${queued}`;
      expect(paused.stderr).toContain(`paused: no new step starts; ${detail}.`);
      const whilePaused = await runKsa(['status', runId], options);
      expect(whilePaused.stdout).toContain(`paused: no new step starts; ${detail}`);

      await writeFile(release, '');
      expect((await runKsa(['resume', runId], options)).code).toBe(0);
      const result = await owner.result;
      expect(result.code, describeResult(result)).toBe(0);
    } finally {
      await writeFile(release, '');
      owner.kill('SIGKILL');
    }
  }, 90_000);
});
