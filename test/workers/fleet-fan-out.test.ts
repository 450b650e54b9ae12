import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { lineCounts, statusOf, type StatusDoc } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// runsOn: { labels, each: true } runs a step once on every live worker with those labels.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let dir: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-fan-out-');
  redis = await startRedis();
  dir = path.join(sandbox.dir, 'ws');
  mkdirSync(dir);
  for (const [name, labels] of [['web-1', ['web']], ['web-2', ['web', 'eu']], ['db-1', ['db']]] as const) {
    workers.push(await startWorker(redis.url, name, { labels: [...labels], cwd: dir, home: sandbox.home }));
  }
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

describe('fan-out to every matching worker', () => {
  it('runs once per live web worker, keys the output by worker name, and rolls back on each of them', async () => {
    const planFile = await sandbox.writePlan('fan/plan.yaml', `goal: Restart every web host
steps:
  - id: restart
    tool: shell
    runsOn: { labels: [web], each: true }
    args: { command: "echo restarted-$KSA_WORKER >> restarts.log; echo $KSA_WORKER" }
    rollback: { tool: shell, args: { command: "echo undone-$KSA_WORKER >> undo.log" } }
  - id: check
    tool: shell
    dependsOn: [restart]
    runsOn: [db]
    args: { command: "echo '{{ steps.restart.output[\\"web-2\\"].stdout }}'; exit 3" }
`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    const restart = eventsOf(events, 'step_succeeded', 'restart')[0] as unknown as { worker: string; output: Record<string, { stdout: string }> };
    expect(restart.worker).toBe('web-1,web-2');
    expect(Object.keys(restart.output).sort()).toEqual(['web-1', 'web-2']);
    expect(restart.output['web-2']!.stdout).toBe('web-2');
    expect(Object.fromEntries(lineCounts(dir, 'restarts.log'))).toEqual({ 'restarted-web-1': 1, 'restarted-web-2': 1 });
    const check = eventsOf(events, 'step_output', 'check').map((event) => (event as unknown as { line: string }).line);
    expect(check).toContain('web-2');
    expect(eventsOf(events, 'rollback_step_succeeded', 'restart')).toHaveLength(1);
    expect(Object.fromEntries(lineCounts(dir, 'undo.log'))).toEqual({ 'undone-web-1': 1, 'undone-web-2': 1 });
  });

  it('fails on one worker: its rollback runs where it succeeded, with that output, before the older steps', async () => {
    const planFile = await sandbox.writePlan('partial/plan.yaml', `goal: Restart every web host, one of them refuses
steps:
  - id: prepare
    tool: shell
    runsOn: [db]
    args: { command: "echo prepared" }
    rollback: { tool: shell, args: { command: "echo unprepared >> partial-undo.log" } }
  - id: restart
    tool: shell
    dependsOn: [prepare]
    runsOn: { labels: [web], each: true }
    args: { command: "if [ $KSA_WORKER = web-2 ]; then echo refused >&2; exit 4; fi; echo restarted-$KSA_WORKER >> partial-restarts.log; echo v1-$KSA_WORKER" }
    rollback: { tool: shell, args: { command: "echo undone-$KSA_WORKER-'{{ steps.restart.output[\\"web-1\\"].stdout }}' >> partial-undo.log" } }
`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    const failed = eventsOf(events, 'step_failed', 'restart') as unknown as { error: string }[];
    expect(failed.map((event) => event.error)).toEqual([expect.stringMatching(/^failed on 1 of 2 workers: web-2: .*exit(ed with)? (code )?4/)]);
    expect(eventsOf(events, 'rollback_started')[0]).toMatchObject({ stepIds: ['restart', 'prepare'] });
    const undone = events.filter((event) => event.type.startsWith('rollback_step_'));
    expect(undone.map((event) => [event.type, event.stepId, (event as { worker?: string }).worker])).toEqual([
      ['rollback_step_succeeded', 'restart', 'web-1'],
      ['rollback_step_succeeded', 'prepare', 'db-1'],
    ]);
    expect(Object.fromEntries(lineCounts(dir, 'partial-restarts.log'))).toEqual({ 'restarted-web-1': 1 });
    expect([...lineCounts(dir, 'partial-undo.log')]).toEqual([
      ['undone-web-1-v1-web-1', 1],
      ['unprepared', 1],
    ]);
    // The summary keeps the step failed and says where it was undone.
    expect(result.stderr).toMatch(/^ +\S+ restart +failed .*failed on 1 of 2 workers: web-2.* · rolled back on web-1$/m);
    expect(result.stderr).toMatch(/^ +\S+ prepare +rolled back /m);
    // ksa status names where it succeeded, beside where it ran, as the events name workers.
    const runId = events[0]!.runId;
    const status = JSON.parse((await runKsa(['status', runId, '--json'], { home: sandbox.home })).stdout) as StatusDoc;
    expect(statusOf(status, 'restart')).toMatchObject({ status: 'failed', worker: 'web-1,web-2', succeededOn: 'web-1', rollback: { status: 'succeeded' } });
    expect(statusOf(status, 'prepare')).not.toHaveProperty('succeededOn');
    const text = await runKsa(['status', runId], { home: sandbox.home });
    expect(text.stdout).toMatch(/^ +restart +failed +1 +\S+ +web-1,web-2 \(succeeded on web-1\) +failed on 1 of 2 workers/m);
  });
});
