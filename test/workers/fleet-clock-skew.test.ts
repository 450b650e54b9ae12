import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A worker's liveness is measured on Redis's clock: one whose machine's clock is off (behind or
// ahead) is live while its heartbeat goes on, and gone soon after it stops, like any other.

const fleet = fleetScenarios('ksa-fleet-clock-skew-');

/** Node options that shift the process's clock (Date.now, new Date()) by `ms`. */
function skewedClock(dir: string, ms: number): Record<string, string> {
  const file = path.join(dir, 'skew.mjs');
  writeFileSync(
    file,
    `const S = +process.env.SKEW_MS, R = Date, n = R.now.bind(R);
globalThis.Date = class extends R { constructor(...a) { a.length ? super(...a) : super(n() + S); } static now() { return n() + S; } };
`,
  );
  return { NODE_OPTIONS: `--import ${file}`, SKEW_MS: String(ms) };
}

type Listed = { workers: { name: string }[] };

describe('workers whose clock is off', () => {
  it('are listed and run their part of a fan-out, 30 s behind or an hour ahead; one killed an hour ahead is gone within seconds', async () => {
    const { redis, dir, home, workers } = await fleet.setup('skew', []);
    const behind = await startWorker(redis.url, 'behind-1', { labels: ['skew'], cwd: dir, home: path.join(dir, 'behind-home'), env: skewedClock(dir, -30_000) });
    workers.set('behind-1', behind);
    const ahead = await startWorker(redis.url, 'ahead-1', { labels: ['skew'], cwd: dir, home: path.join(dir, 'ahead-home'), env: skewedClock(dir, 3_600_000) });
    workers.set('ahead-1', ahead);
    const listed = async () => {
      const result = await runKsa(['workers', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 20_000 });
      expect(result.code, describeResult(result)).toBe(0);
      return (JSON.parse(result.stdout) as Listed).workers.map((info) => info.name);
    };
    // Past a few heartbeats: a worker 30 s behind would look dead on the reader's clock.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(await listed()).toEqual(['ahead-1', 'behind-1']);

    const planFile = await fleet.sandbox.writePlan('skew/plan.yaml', `goal: Touch every skewed host
steps:
  - id: touch
    tool: shell
    runsOn: { labels: [skew], each: true }
    args: { command: "echo $KSA_WORKER" }
`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '10s'], { home, cwd: dir, timeoutMs: 40_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const touch = eventsOf(parseNdjson(result.stdout), 'step_succeeded', 'touch')[0] as unknown as { worker: string };
    expect(touch.worker).toBe('ahead-1,behind-1');

    // Its heartbeats, stamped an hour ahead, would keep it "seen 0s ago" for an hour.
    ahead.kill('SIGKILL');
    await ahead.result.catch(() => undefined);
    await eventually(async () => ((await listed()).includes('ahead-1') ? undefined : true), 20_000, 1000);
    expect(await listed()).toEqual(['behind-1']);
  }, 90_000);
});
