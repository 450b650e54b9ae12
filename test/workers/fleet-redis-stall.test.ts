import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { killGroup, ksaJson, readPids, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios } from '../helpers/fleet.js';

// Redis stops answering mid-run (SIGSTOP: a paused VM, a network black hole) for longer than a job's
// lock (2 s here): the connections stay open, and the locks expire in Redis meanwhile. The run says so
// once, and when Redis answers again it takes what the worker did rather than calling it lost.

const fleet = fleetScenarios('ksa-fleet-redis-stall-');

const PLAN = `goal: Remote then more
steps:
  - { id: a, tool: shell, runsOn: [web], args: { command: "echo $$ >> a.pids; touch a.started; sleep 1; echo a" } }
  - { id: b, tool: shell, runsOn: [web], dependsOn: [a], args: { command: "echo b" } }
`;

type StepEvent = { line?: string; error?: string; worker?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('workers: a Redis that stalls mid-run', () => {
  it('a step that finished on its worker while Redis did not answer succeeds once it answers, and the next one runs; the stall is said once, on the run\'s stderr, not in the step\'s output or log', async () => {
    const { redis, dir, home } = await fleet.setup('finished', ['w1'], { labels: ['web'] });
    const planFile = await fleet.sandbox.writePlan('finished/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
    redis.freeze();
    await sleep(5000);
    redis.thaw();
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_succeeded', 'a').map((event) => (event as unknown as StepEvent).worker)).toEqual(['w1']);
    expect(eventsOf(events, 'step_succeeded', 'b')).toHaveLength(1);
    // The stall is the run's news, said once on its stderr as ksa's; no step printed it.
    const said = result.stderr.split('\n');
    expect(said.filter((line) => line.includes('not answering'))).toEqual([`ksa: Redis at ${redis.url} not answering (3s); steps on workers wait for it`]);
    expect(said.filter((line) => line.includes('answering again'))).toEqual([expect.stringMatching(new RegExp(`^ksa: Redis at ${redis.url} answering again after \\d+s$`))]);
    const output = events.filter((event) => event.type === 'step_output').map((event) => (event as unknown as StepEvent).line ?? '');
    expect(output.filter((line) => line.includes('answering'))).toEqual([]);
    const status = await ksaJson<StatusDoc>(['status'], { home });
    expect(readFileSync(path.join(status.logDir, 'a.log'), 'utf8')).not.toContain('answering');
  }, 90_000);

  it('a worker that died while Redis did not answer is still found lost once Redis answers again', async () => {
    const { redis, dir, home, workers } = await fleet.setup('died', ['w2'], { labels: ['web'] });
    const planFile = await fleet.sandbox.writePlan('died/plan.yaml', PLAN.replace('sleep 1', 'sleep 30'));
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
    redis.freeze();
    workers.get('w2')!.kill('SIGKILL');
    for (const pid of readPids(dir, 'a.pids')) {
      fleet.orphans.add(pid);
      killGroup(pid);
    }
    await sleep(4000);
    redis.thaw();
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'a') as unknown as StepEvent[];
    expect(failed.map((event) => event.error)).toEqual(['attempt lost: worker w2 stopped answering (crashed or cut off)']);
  }, 90_000);
});
