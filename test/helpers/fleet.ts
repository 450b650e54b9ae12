import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from './cli.js';
import { killGroup, ksaJson, waitForStoredStatus } from './durable.js';
import { startRedis, type TestRedis } from './redis-server.js';

/** Lost-attempt detection shortened for tests: lock 2 s, stalled check every 1 s. */
export const FAST_STALL_ENV = { KSA_WORKER_LOCK_MS: '2000', KSA_WORKER_STALLED_MS: '1000' };

/** Starts `ksa worker` and waits for its ready line. */
export async function startWorker(url: string, name: string, options: { labels?: string[]; concurrency?: number; cwd: string; home: string; json?: boolean; env?: Record<string, string> }): Promise<KsaProcess> {
  const args = ['worker', '--redis', url, '--name', name];
  if (options.labels?.length) args.push('--labels', options.labels.join(','));
  if (options.concurrency) args.push('--concurrency', String(options.concurrency));
  if (options.json) args.push('--json');
  const worker = startKsa(args, { cwd: options.cwd, home: options.home, env: { ...FAST_STALL_ENV, ...options.env }, timeoutMs: 120_000 });
  await worker.waitForOutput((stdout) => stdout.includes(options.json ? '"worker_started"' : 'ready'), 20_000);
  return worker;
}

/** Stops workers (SIGKILL) and waits for them. */
export async function stopAll(workers: readonly KsaProcess[]): Promise<void> {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.result.catch(() => undefined)));
}

export type FleetScenario = { readonly redis: TestRedis; readonly dir: string; readonly home: string; readonly workers: Map<string, KsaProcess> };

/**
 * Scenarios of one test file, each with its own redis-server, folder, KSA_HOME
 * and `ksa worker` processes; everything is stopped after the file, and the
 * process groups added to `orphans` (shells of killed workers) are killed.
 */
export function fleetScenarios(prefix: string) {
  const cleanups: (() => Promise<void>)[] = [];
  const orphans = new Set<number>();
  let sandbox: CliSandbox | undefined;
  beforeAll(async () => {
    sandbox = await createCliSandbox(prefix);
  });
  afterAll(async () => {
    for (const pid of orphans) killGroup(pid);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await sandbox?.cleanup();
  });
  return {
    orphans,
    get sandbox(): CliSandbox {
      if (!sandbox) throw new Error('fleetScenarios: the sandbox exists only inside tests');
      return sandbox;
    },
    /** A scenario named `name` (its folder), with these workers started and ready. */
    async setup(name: string, workerNames: readonly string[], options: { labels?: string[]; concurrency?: number } = {}): Promise<FleetScenario> {
      const redis = await startRedis();
      const dir = path.join(this.sandbox.dir, name);
      const home = path.join(this.sandbox.dir, `${name}-home`);
      mkdirSync(dir, { recursive: true });
      mkdirSync(home, { recursive: true });
      const workers = new Map<string, KsaProcess>();
      cleanups.push(async () => {
        await stopAll([...workers.values()]);
        await redis.cleanup();
      });
      for (const worker of workerNames) {
        workers.set(worker, await startWorker(redis.url, worker, { cwd: dir, home, labels: options.labels, concurrency: options.concurrency ?? 1 }));
      }
      return { redis, dir, home, workers };
    },
  };
}

/**
 * Waits until the job `jobId` of queue `queue` is in `state` in Redis: what the coordinator is told,
 * so a test can act once a worker's part of a step is over, not once its process printed something.
 */
export async function waitForJobState(url: string, queue: string, jobId: string, state: string, timeoutMs = 20_000): Promise<void> {
  const [{ Job, Queue }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const opened = new Queue(queue, { connection, prefix: 'ksa' });
  try {
    await eventually(async () => ((await (await Job.fromId(opened, jobId))?.getState()) === state ? true : undefined), timeoutMs, 50);
  } finally {
    await opened.close();
    connection.disconnect();
  }
}

/**
 * One redis-server and one sandbox for a whole test file, with a workspace (`dir`) the workers run
 * in; `worker()` starts one there (its own KSA_HOME). All stopped after the file.
 */
export function sharedFleet(prefix: string) {
  let redis: TestRedis | undefined;
  let box: CliSandbox | undefined;
  const workers: KsaProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    box = await createCliSandbox(prefix);
    mkdirSync(path.join(box.dir, 'ws'));
  }, 60_000);
  afterAll(async () => {
    await stopAll(workers);
    await redis?.cleanup();
    await box?.cleanup();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('sharedFleet: ready only inside tests');
    return value;
  };
  return {
    get redis(): TestRedis {
      return ready(redis);
    },
    get box(): CliSandbox {
      return ready(box);
    },
    get dir(): string {
      return path.join(ready(box).dir, 'ws');
    },
    async worker(name: string, labels: string[], options: { concurrency?: number } = {}): Promise<KsaProcess> {
      const worker = await startWorker(ready(redis).url, name, { labels, cwd: this.dir, home: path.join(ready(box).dir, `${name}-home`), ...options });
      workers.push(worker);
      return worker;
    },
  };
}

/** `app`'s undo empties app.txt once undo.go exists; `check` fails until ok exists. */
export const UNDO_UNDER_WAY_PLAN = `goal: Undo under way
steps:
  - id: app
    runsOn: [box]
    tool: shell
    args: { command: "echo app >> ran.log; echo up > app.txt" }
    rollback: { tool: shell, args: { command: "echo $$ >> undo.pids; touch undo.started; while [ ! -f undo.go ]; do sleep 0.1; done; : > app.txt; echo undone >> ran.log" } }
  - id: check
    dependsOn: [app]
    runsOn: [box]
    tool: shell
    args: { command: "test -f ok && test -s app.txt" }
`;

/**
 * Once every worker of the scenario's Redis is gone (killed), resumes `runId` with a fresh worker `name` (labels
 * `box`) and the file `go` written (the plan's step ends at once then), `args` added: the resume's result.
 */
export async function resumedOnFreshWorker(scenario: FleetScenario, runId: string, name: string, args: readonly string[]): Promise<Awaited<ReturnType<typeof runKsa>>> {
  const { redis, dir, home, workers } = scenario;
  await eventually(async () => ((await ksaJson<{ workers: { name: string }[] }>(['workers', '--redis', redis.url], { home })).workers.length === 0 ? true : undefined), 30_000, 500);
  workers.set(name, await startWorker(redis.url, name, { labels: ['box'], cwd: dir, home }));
  writeFileSync(path.join(dir, 'go'), '');
  return runKsa(['resume', runId, '--yes', '--redis', redis.url, ...args], { home, cwd: dir, timeoutMs: 30_000 });
}

/**
 * Runs `plan` with `args` until `slow.pid` appears in the scenario's folder (and, with `recorded`, the run's record
 * says that step runs), then kills the run and every worker with kill -9, and the step's shell (added to
 * `orphans`): the run's id.
 */
export async function killedMidStep(orphans: Set<number>, scenario: Pick<FleetScenario, 'dir' | 'home' | 'workers'>, plan: string, args: readonly string[], recorded?: string): Promise<string> {
  const { dir, home, workers } = scenario;
  const planFile = path.join(dir, 'plan.yaml');
  writeFileSync(planFile, plan);
  const run = startKsa(['run', planFile, '--yes', '--json', ...args], { home, cwd: dir, timeoutMs: 60_000 });
  const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
  orphans.add(pid);
  const { runId } = parseNdjson(run.stdout())[0]!;
  if (recorded !== undefined) await waitForStoredStatus(runId, recorded, 'running', { home, cwd: dir });
  run.kill('SIGKILL');
  for (const worker of workers.values()) worker.kill('SIGKILL');
  await Promise.all([run.result, ...[...workers.values()].map((worker) => worker.result.catch(() => undefined))]);
  killGroup(pid);
  return runId;
}
