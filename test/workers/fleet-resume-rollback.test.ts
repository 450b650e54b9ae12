import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa } from '../helpers/cli.js';
import { lineCounts, readPids } from '../helpers/durable.js';
import { fleetScenarios, UNDO_UNDER_WAY_PLAN } from '../helpers/fleet.js';

// The coordinator is killed (kill -9) while a worker runs a step's rollback. `ksa resume --redis`
// right away runs that step again (its rollback may have undone it): the old rollback, still
// running on the worker, must not go on to undo the step's new go.

const fleet = fleetScenarios('ksa-fleet-resume-rollback-');

describe('ksa resume --redis of a run killed during a rollback on a worker', () => {
  it('stops that rollback before the step runs again, and says so', async () => {
    const { redis, dir, home } = await fleet.setup('undo', ['box-1'], { labels: ['box'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('undo/plan.yaml', UNDO_UNDER_WAY_PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'undo.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    // Killed once the store has the rollback under way (run.json is written in groups).
    await eventually(() => (readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8').includes('rollbackStartedAt') ? true : undefined), 10_000);
    run.kill('SIGKILL');
    await run.result;
    for (const pid of readPids(dir, 'undo.pids')) fleet.orphans.add(pid);

    writeFileSync(path.join(dir, 'ok'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stderr).toContain(`ksa: stopped the rollback the stopped run had under way on workers: ${runId}.app.rollback.box-1`);
    expect(eventsOf(parseNdjson(resumed.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['app', 'check']);
    // Were the old rollback still there, this would let it remove what the step's new go made.
    writeFileSync(path.join(dir, 'undo.go'), '');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readFileSync(path.join(dir, 'app.txt'), 'utf8')).toBe('up\n');
    expect(lineCounts(dir).get('undone')).toBeUndefined();
  }, 60_000);
});
