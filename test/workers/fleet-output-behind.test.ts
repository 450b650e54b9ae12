import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, startKsa, type KsaEvent } from '../helpers/cli.js';
import { sharedFleet, waitForJobState } from '../helpers/fleet.js';

// A coordinator that falls behind (stopped, or slower than its workers) still gets every output line of a
// remote step, in order, and its end before the step is over: the events stream may drop what it did not
// read, and the step's end may be seen before its last lines. What Redis no longer has is said, not lost.

const fleet = sharedFleet('ksa-fleet-behind-');
const clients: Redis[] = [];
beforeAll(async () => {
  await fleet.worker('w1', ['a']);
}, 60_000);
afterAll(() => {
  for (const client of clients) client.disconnect();
});

const plan = (name: string) => `goal: Output while the coordinator is behind
steps:
  - id: ticks
    tool: shell
    runsOn: [a]
    args: { command: "while [ ! -e ${name}.go ]; do sleep 0.05; done; seq -f 'tick %g' 1 50; while [ ! -e ${name}.more ]; do sleep 0.05; done; seq -f 'tick %g' 51 100; while [ ! -e ${name}.release ]; do sleep 0.05; done; echo after-release; echo THE-END >&2" }
`;

/** Starts the run of `name`, and stops its process (SIGSTOP) once its step has started on the worker. */
async function stoppedRun(name: string) {
  const redis = new Redis(fleet.redis.url);
  clients.push(redis);
  const planFile = await fleet.box.writePlan(`${name}/plan.yaml`, plan(path.join(fleet.dir, name)));
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', fleet.redis.url], { home: fleet.box.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
  await run.waitForOutput((stdout) => stdout.includes('"step_started"'), 30_000);
  const runId = parseNdjson(run.stdout())[0]!.runId;
  const jobId = `${runId}.ticks.1`;
  run.kill('SIGSTOP');
  // The job holds the last batch its worker sent.
  const sent = (line: string) => eventually(async () => ((await redis.hget(`ksa:steps-a:${jobId}`, 'progress'))?.includes(`"${line}"`) ? true : undefined), 20_000);
  // The first batch reaches the stopped run's connection (its read was under way); the next one waits in Redis.
  writeFileSync(path.join(fleet.dir, `${name}.go`), '');
  await sent('tick 50');
  writeFileSync(path.join(fleet.dir, `${name}.more`), '');
  await sent('tick 100');
  return { run, runId, jobId, redis };
}

function outputOf(events: readonly KsaEvent[]): string[] {
  return events.filter((event) => event.type === 'step_output' && event.stepId === 'ticks').map((event) => (event as unknown as { line: string }).line);
}

const TICKS = Array.from({ length: 100 }, (_, i) => `tick ${i + 1}`);

describe('ksa run --redis while the run falls behind its worker', () => {
  it('gets the lines the events stream dropped before it read them, in order, after the step started', async () => {
    const { run, runId, redis } = await stoppedRun('trimmed');
    // What the stream's cap does to entries a slow coordinator has not read yet.
    await redis.xtrim('ksa:steps-a:events', 'MAXLEN', 0);
    run.kill('SIGCONT');
    writeFileSync(path.join(fleet.dir, 'trimmed.release'), '');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(outputOf(events)).toEqual([...TICKS, 'after-release', 'THE-END']);
    const types = events.filter((event) => event.stepId === 'ticks').map((event) => event.type);
    expect(types.indexOf('step_started')).toBeLessThan(types.indexOf('step_output'));
    const log = readFileSync(path.join(fleet.box.home, 'runs', runId, 'logs', 'ticks.log'), 'utf8').trimEnd().split('\n');
    expect(log[0]).toMatch(/^--- attempt 1 started .* on w1$/);
    expect(log.slice(1)).toEqual([...TICKS, 'after-release', '[stderr] THE-END']);
  }, 90_000);

  it('has the end of the output of a step that ended while the run was stopped', async () => {
    const { run, runId, jobId, redis } = await stoppedRun('ended');
    writeFileSync(path.join(fleet.dir, 'ended.release'), '');
    await waitForJobState(fleet.redis.url, 'steps-a', jobId, 'completed');
    // Its last lines and its end dropped from the stream unread: the run learns of the end from the job itself.
    await redis.xtrim('ksa:steps-a:events', 'MAXLEN', 0);
    run.kill('SIGCONT');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    expect(outputOf(parseNdjson(result.stdout))).toEqual([...TICKS, 'after-release', 'THE-END']);
    const log = readFileSync(path.join(fleet.box.home, 'runs', runId, 'logs', 'ticks.log'), 'utf8');
    expect(log.endsWith('tick 100\nafter-release\n[stderr] THE-END\n')).toBe(true);
  }, 90_000);

  it('says how many lines are lost when Redis no longer has them either', async () => {
    const { run, jobId, redis } = await stoppedRun('lost');
    await redis.xtrim('ksa:steps-a:events', 'MAXLEN', 0);
    // As if they had expired: the run was stopped for longer than they are kept.
    await redis.del(`ksa:output:${jobId}:batches`);
    run.kill('SIGCONT');
    writeFileSync(path.join(fleet.dir, 'lost.release'), '');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    expect(outputOf(parseNdjson(result.stdout))).toEqual([...TICKS.slice(0, 50), 'ksa: 50 output lines are lost here: Redis no longer had them when ksa read them', 'after-release', 'THE-END']);
  }, 90_000);
});
