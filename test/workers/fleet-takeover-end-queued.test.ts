import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { killGroup } from '../helpers/durable.js';
import { fleetScenarios, resumedOnFreshWorker, waitForJobState } from '../helpers/fleet.js';

// A fan-out's part queued for a worker that died before taking it, its coordinator killed with kill -9 too: the
// ksa resume that takes the run over sends the step to the live workers only. Once that run has ended, no worker
// may take the dead worker's part: restarted, it would run a step of a finished run (with *** for its secret).

const fleet = fleetScenarios('ksa-fleet-takeover-end-queued-');
const SECRET = 'Queued9Part-secret-input';

describe('workers: the end of a ksa resume that took a run over', () => {
  it('removes a fan-out part still queued for a dead worker, and keeps the parts that ran, masked', async () => {
    const scenario = await fleet.setup('resume', ['box-1', 'box-2'], { labels: ['box'] });
    const { redis, dir, home, workers } = scenario;
    const plan = 'goal: A secret on every box\ninputs: { apiToken: changeme }\nsteps:\n  - id: slow\n    tool: shell\n    runsOn: { labels: [box], each: true }\n    args: { command: "test -f go && exit 0; echo $$ > slow.pid; sleep 60", env: { API_TOKEN: "{{ inputs.apiToken }}" } }\n';
    writeFileSync(path.join(dir, 'plan.yaml'), plan);
    // box-1 dies first: its entry stays fresh for seconds, so the run still sends it a part, which waits there.
    workers.get('box-1')!.kill('SIGKILL');
    await workers.get('box-1')!.result.catch(() => undefined);
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json', '--redis', redis.url, '--input', `apiToken=${SECRET}`], { home, cwd: dir, timeoutMs: 60_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
    fleet.orphans.add(pid);
    const { runId } = parseNdjson(run.stdout())[0]!;
    const part = `${runId}.slow.1.box-1`;
    await waitForJobState(redis.url, 'worker-box-1', part, 'waiting');
    run.kill('SIGKILL');
    workers.get('box-2')!.kill('SIGKILL');
    await Promise.all([run.result, workers.get('box-2')!.result.catch(() => undefined)]);
    killGroup(pid);
    const resume = await resumedOnFreshWorker(scenario, runId, 'box-3', ['--input', `apiToken=${SECRET}`]);
    expect(resume.code, describeResult(resume)).toBe(0);
    expect(resume.stderr).toContain('slow succeeded');
    const client = new Redis(redis.url);
    try {
      // Nothing of the ended run is left for a worker to take; the part box-3 ran stays for its result, masked.
      expect(await client.exists(`ksa:worker-box-1:${part}`)).toBe(0);
      expect(await client.lrange('ksa:worker-box-1:wait', 0, -1)).toEqual([]);
      expect(await client.hget(`ksa:worker-box-3:${runId}.slow.1.box-3`, 'finishedOn')).not.toBeNull();
      expect(await client.hget(`ksa:worker-box-3:${runId}.slow.1.box-3`, 'data')).toContain('"API_TOKEN":"***"');
    } finally {
      client.disconnect();
    }
  }, 120_000);
});
