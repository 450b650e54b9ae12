import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';

// A worker killed with kill -9 and restarted at once by its supervisor, with the same --name and KSA_HOME: the
// name's new process heartbeats without the lost attempt, which died with the old one. Redis never stopped
// answering, so the attempt is lost as a crashed worker's, not as one whose lock expired while it ran.

const fleet = fleetScenarios('ksa-fleet-restarted-lost-');

// Attempt 1 runs until its worker is killed (the restarted worker stops what it left); the retry ends at once.
const PLAN = `goal: lost worker
steps:
  - id: long
    tool: shell
    runsOn: [lost]
    retry: { maxAttempts: 2, initialDelayMs: 100 }
    args: { command: "echo $$ > long.pid; echo start-$KSA_WORKER >> t.txt; if [ ! -f once ]; then touch once; sleep 60; fi; echo end-$KSA_WORKER >> t.txt" }
`;

// A lock long enough for the restarted worker to be registered before the attempt is found lost.
const SLOW_LOCK = { KSA_WORKER_LOCK_MS: '8000' };

type StepEvent = { attempt: number; error?: string };

describe('workers: a worker killed with kill -9 and restarted at once under its name', () => {
  it('its lost attempt says the worker stopped answering, not that its lock expired while it ran', async () => {
    const { redis, dir, workers } = await fleet.setup('restarted', []);
    const homeOf = (name: string) => path.join(fleet.sandbox.dir, `restarted-${name}-home`);
    for (const name of ['la', 'lb']) workers.set(name, await startWorker(redis.url, name, { cwd: dir, home: homeOf(name), labels: ['lost'], concurrency: 1, env: SLOW_LOCK }));
    const planFile = await fleet.sandbox.writePlan('restarted/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: homeOf('run'), cwd: dir, timeoutMs: 90_000 });
    const taker = await eventually(() => (existsSync(path.join(dir, 't.txt')) ? readFileSync(path.join(dir, 't.txt'), 'utf8').trim().replace('start-', '') : undefined), 20_000);
    fleet.orphans.add(Number(readFileSync(path.join(dir, 'long.pid'), 'utf8')));
    const killed = workers.get(taker)!;
    killed.kill('SIGKILL');
    await killed.result;
    const again = await startWorker(redis.url, taker, { cwd: dir, home: homeOf(taker), labels: ['lost'], concurrency: 1, env: SLOW_LOCK });
    workers.set(taker, again);
    // Registered again before the attempt was found lost (its lock outlives this): the case at stake.
    expect(eventsOf(parseNdjson(run.stdout()), 'step_retrying', 'long')).toEqual([]);

    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const retrying = eventsOf(parseNdjson(result.stdout), 'step_retrying', 'long') as unknown as StepEvent[];
    expect(retrying.map((event) => [event.attempt, event.error])).toEqual([[1, `attempt lost: worker ${taker} stopped answering (crashed or cut off)`]]);
    const lines = readFileSync(path.join(dir, 't.txt'), 'utf8').trim().split('\n');
    expect(lines).toEqual([`start-${taker}`, expect.stringMatching(/^start-l[ab]$/), expect.stringMatching(/^end-l[ab]$/)]);
  }, 120_000);
});
