import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, killGroup, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// The ksa cancel that takes over a run whose coordinator and worker were killed with kill -9 finds the run's jobs
// by the list its coordinator kept, not by a scan of every key: in a Redis shared with millions of other keys, a
// scan takes seconds (past the wait for Redis at the run's end, which then said Redis could not be reached).

const fleet = fleetScenarios('ksa-fleet-takeover-no-scan-');
const TOKEN = `ghp_${'N0s'.repeat(12)}`;
const UNRELATED = 200_000;

/** How many times Redis ran SCAN since its statistics were reset. */
async function scans(client: Redis): Promise<number> {
  return Number(/cmdstat_scan:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
}

describe('workers: a run taken over in a Redis holding many other keys', () => {
  it('ksa cancel finds its jobs without scanning Redis, and takes the secret out of them', async () => {
    const { redis, dir, home, workers } = await fleet.setup('cancel', ['box-1']);
    const client = new Redis(redis.url);
    try {
      await client.eval(`for i = 1, ${UNRELATED} do redis.call('SET', 'other:' .. i, 'x') end return 0`, 0);
      writeFileSync(path.join(dir, 'plan.yaml'), `goal: A token on a worker\nsteps:\n  - id: slow\n    tool: shell\n    args: { command: "echo $$ > slow.pid; sleep 60", env: { TOKEN: "${TOKEN}" } }\n`);
      const run = startKsa(['run', 'plan.yaml', '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
      const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
      fleet.orphans.add(pid);
      const { runId } = parseNdjson(run.stdout())[0]!;
      run.kill('SIGKILL');
      workers.get('box-1')!.kill('SIGKILL');
      await Promise.all([run.result, workers.get('box-1')!.result.catch(() => undefined)]);
      killGroup(pid);
      await client.config('RESETSTAT');
      const cancel = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
      expect(cancel.code, describeResult(cancel)).toBe(0);
      expect(cancel.stderr).not.toContain('warning');
      expect((await ksaJson<StatusDoc>(['status', runId], { home, cwd: dir })).status).toBe('cancelled');
      expect(await scans(client)).toBe(0);
      expect(await client.hget(`ksa:steps:${runId}.slow.1`, 'data')).toContain('"TOKEN":"***"');
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
