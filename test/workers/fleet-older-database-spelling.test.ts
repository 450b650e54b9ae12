import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// An older build read a Redis URL's database with a number parser: a run it made with `/1e0` or `/+1` sent its steps
// through database 1, and recorded the URL as written. This build refuses such a URL, and reads the recorded one as
// that build did: the run is cancelled or resumed through `/1`, and the hints name `/1`.

const fleet = sharedFleet('ksa-fleet-older-database-');

const PLAN = `goal: Waits for a worker
steps:
  - id: a
    runsOn: [nowhere]
    tool: shell
    args: { command: "true" }
`;

describe('a run an older build made with a Redis database written /1e0 or /+1', () => {
  it.for(['1e0', '+1'])('/%s: ksa resume and cancel name /1, and ksa cancel --redis …/1 cancels it', { timeout: 60_000 }, async (db) => {
    const { dir, redis } = fleet;
    const { home } = fleet.box;
    const env = { KSA_REDIS_URL: undefined };
    writeFileSync(path.join(dir, 'plan.yaml'), PLAN);
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json', '--redis', `${redis.url}/1`], { home, cwd: dir, env, timeoutMs: 30_000 });
    await eventually(() => (run.stdout().includes('"runId"') ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    const file = path.join(home, 'runs', runId, 'run.json');
    await eventually(() => (readFileSync(file, 'utf8').includes('waitingSince') ? true : undefined), 20_000);
    run.kill('SIGKILL');
    await run.result;
    // As the older build recorded it.
    const record = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...record, redis: `${redis.url}/${db}` }));

    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, env, timeoutMs: 20_000 });
    expect(resume.code, describeResult(resume)).toBe(2);
    expect(resume.stderr.trim()).toBe(`ksa: run ${runId} sent its steps to workers through ${redis.url}/1; resume it there: ksa resume ${runId} --redis ${redis.url}/1`);
    const asWritten = await runKsa(['cancel', runId, '--yes', '--redis', `${redis.url}/${db}`], { home, cwd: dir, env, timeoutMs: 20_000 });
    expect(asWritten.code, describeResult(asWritten)).toBe(2);
    expect(asWritten.stderr.trim()).toBe(`ksa: run ${runId} sent its steps to workers through ${redis.url}/1, not ${redis.url}/${db}: its jobs are there, and none of them would be stopped; cancel it with --redis ${redis.url}/1`);

    const cancel = await runKsa(['cancel', runId, '--yes', '--redis', `${redis.url}/1`], { home, cwd: dir, env, timeoutMs: 20_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect(cancel.stderr).toContain(`In ${redis.url}/1: removed 1 queued job.`);
    expect((await ksaJson<StatusDoc>(['status', runId], { home, cwd: dir, env })).status).toBe('cancelled');
  });
});
