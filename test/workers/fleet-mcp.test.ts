import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX, workerQueue } from '../../src/workers/queue-names.js';
import { createCliSandbox, describeResult, eventually, eventsOf, nonEmptyLines, parseNdjson, runKsa, stackTraceLines, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { labStdio, writeUserConfig } from '../helpers/mcp.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { expectWellFormedRun } from '../helpers/run-events.js';

// MCP servers are configured where ksa runs: with --redis their tools still run here, never on a worker.
// A real redis-server, a real `ksa worker` (its own home: no MCP servers) and the lab MCP server.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let dir: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-mcp-');
  redis = await startRedis();
  dir = path.join(sandbox.dir, 'ws');
  mkdirSync(dir);
  await writeUserConfig(sandbox.home, { lab: labStdio() });
  const workerHome = path.join(sandbox.dir, 'worker-home');
  mkdirSync(workerHome);
  workers.push(await startWorker(redis.url, 'web-1', { labels: ['web'], cwd: dir, home: workerHome }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const run = (planFile: string, extra: string[] = []) =>
  runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, ...extra], { home: sandbox.home, cwd: dir, timeoutMs: 60_000 });

const workerOf = (event: unknown) => (event as { worker?: string }).worker;

describe('MCP tool steps in a run with workers', () => {
  it('run on this machine, whatever the plan-wide runsOn, and the plan print says so', async () => {
    const planFile = await sandbox.writePlan('here/plan.yaml', `goal: Build on a worker, tell through MCP here
runsOn: [web]
steps:
  - id: build
    tool: shell
    args: { command: "echo built-by-$KSA_WORKER" }
  - id: notify
    tool: lab__echo
    dependsOn: [build]
    args: { text: "{{ steps.build.output.stdout }}" }
`);
    const result = await run(planFile);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expectWellFormedRun(events);
    expect(eventsOf(events, 'step_succeeded', 'build').map(workerOf)).toEqual(['web-1']);
    const notify = eventsOf(events, 'step_succeeded', 'notify');
    expect(notify.map(workerOf)).toEqual([undefined]);
    expect(eventsOf(events, 'step_started', 'notify').map(workerOf)).toEqual([undefined]);
    expect((notify[0] as unknown as { output: { text: string } }).output.text).toBe('built-by-web-1');
    expect(result.stderr).toMatch(/^ {2}notify runs on here \(this machine\)$/m);
    expect(result.stderr).toMatch(/^ {2}build runs on a worker with labels web \(live: web-1\)$/m);
  });

  it('an MCP rollback of a step a worker ran runs here too', async () => {
    const planFile = await sandbox.writePlan('undo/plan.yaml', `goal: Deploy on a worker, undo through MCP
steps:
  - id: deploy
    tool: shell
    runsOn: [web]
    args: { command: "echo deployed" }
    rollback: { tool: lab__echo, args: { text: "undone" } }
  - id: check
    tool: shell
    runsOn: [web]
    dependsOn: [deploy]
    args: { command: "exit 3" }
`);
    const result = await run(planFile);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(eventsOf(events, 'rollback_step_failed', 'deploy')).toEqual([]);
    // Said as run here: no worker on its event or its line.
    expect(eventsOf(events, 'rollback_step_succeeded', 'deploy').map(workerOf)).toEqual([undefined]);
    expect(eventsOf(events, 'step_succeeded', 'deploy').map(workerOf)).toEqual(['web-1']);
    expect(result.stderr).toMatch(/↶ deploy rolled back$/m);
  });

  it('with a runsOn of its own is a plan problem: one line naming the step, exit 2, nothing run', async () => {
    const planFile = await sandbox.writePlan('pinned/plan.yaml', `goal: Tell through MCP on a worker
steps:
  - id: build
    tool: shell
    args: { command: "echo built > built.txt" }
  - id: notify
    tool: lab__echo
    dependsOn: [build]
    runsOn: [web]
    args: { text: "hello" }
`);
    const expected = /plan\.yaml:\d+:\d+ steps\[1\]\.runsOn: MCP tools run where ksa runs, not on workers \("lab__echo" is tool "echo" of MCP server "lab"\); remove its runsOn$/m;
    const validated = await runKsa(['validate', planFile], { home: sandbox.home, cwd: dir });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toMatch(expected);
    const json = await runKsa(['validate', planFile, '--json'], { home: sandbox.home, cwd: dir });
    expect(JSON.parse(json.stdout).issues).toEqual([expect.objectContaining({ code: 'mcp_on_worker', path: 'steps[1].runsOn' })]);
    const ran = await run(planFile);
    expect(ran.code, describeResult(ran)).toBe(2);
    expect(ran.stderr).toMatch(expected);
    expect(ran.stdout).toBe('');
    expect(stackTraceLines(ran.stderr)).toEqual([]);
    expect(nonEmptyLines(ran.stderr)).toHaveLength(2);
  });

  it('a worker asked for a tool it lacks says it was on that worker', async () => {
    const queue = new Queue(workerQueue('web-1'), { connection: { host: '127.0.0.1', port: redis.port }, prefix: PREFIX });
    try {
      const job = await queue.add('lab__echo', { runId: 'r1', stepId: 'notify', attempt: 1, phase: 'run', tool: 'lab__echo', args: { text: 'x' } }, { jobId: 'r1.notify.1', attempts: 1 });
      // The job's own record, not a QueueEvents stream: one opened just before may miss a failure that comes at once.
      const failedReason = await eventually(async () => ((await job.getState()) === 'failed' ? ((await Job.fromId(queue, job.id!))?.failedReason ?? '') : undefined), 20_000, 100);
      expect(failedReason).toContain('on worker web-1: unknown tool "lab__echo" (a worker has the built-in tools of its ksa version, not the MCP servers of the machine running ksa)');
    } finally {
      await queue.close();
    }
  });
});
