import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Execution, type Plan, type RunEvent, type Step } from '../src/planning/index.js';
import { createBuiltinRegistry } from '../src/tools/index.js';
import { checkRedis, RemoteSteps, type RedisTarget } from '../src/workers/index.js';
import { median, round } from './stats.js';

export type FleetFigures = {
  /** P8: 200 × sleep 200 ms, width 64, maxParallel 32: 1 worker ÷ 4 workers (concurrency 8 each), medians of ROUNDS runs each. */
  readonly speedup: number;
  readonly msOneWorker: number;
  readonly msFourWorkers: number;
  /** P8o: (through Redis − in process) ÷ steps, 400 no-op steps, maxParallel 32, 4 workers. */
  readonly overheadMsPerStep: number;
  /** The same on a chain (one step at a time): the round trip a dependent waits for. */
  readonly latencyMsPerStep: number;
  /** P8f: kill -9 of the worker running a step → the step running again on another worker (default timings). */
  readonly recoverMs: number;
};

const root = path.resolve(import.meta.dirname, '..', '..');

/** P8 runs each fleet this many times and takes the median: one run of each moved the ratio by ±2 % on a quiet machine. */
const ROUNDS = 3;

async function medianOf(rounds: number, measure: (round: number) => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) times.push(await measure(round));
  return median(times);
}
const KSA = path.join(root, 'bin', 'ksa.js');

/**
 * P8: steps through BullMQ workers on this machine, against a redis-server
 * and `ksa worker` processes this bench starts (and stops). The coordinator
 * is this process: the executor with the remote invoker, as `ksa run --redis`.
 */
export async function measureFleet(): Promise<FleetFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-bench-fleet-'));
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const workers: ChildProcess[] = [];
  try {
    const target = await waitForRedis(`redis://127.0.0.1:${port}`);
    const url = `redis://127.0.0.1:${port}`;
    workers.push(await startWorker(url, 'bench-1', dir));
    const sleepPlan = layeredPlan(200, 64, 32, { tool: 'sleep', args: { ms: 200 } });
    // Each measured fleet first runs the same no-op steps: its processes' code is warm (compiled and
    // optimised by V8), as in a worker that has been up for a while, not cold from its start.
    const warmPlan = layeredPlan(256, 256, 32, { tool: 'sleep', args: { ms: 0 } });
    await runRemote(target, warmPlan, 'warm-1');
    const msOneWorker = await medianOf(ROUNDS, (round) => runRemote(target, sleepPlan, `p8-1-${round}`));
    for (const name of ['bench-2', 'bench-3', 'bench-4']) workers.push(await startWorker(url, name, dir));
    await runRemote(target, warmPlan, 'warm-4');
    const msFourWorkers = await medianOf(ROUNDS, (round) => runRemote(target, sleepPlan, `p8-4-${round}`));

    const noop = layeredPlan(400, 400, 32, { tool: 'sleep', args: { ms: 0 } });
    const local = await runLocal(noop);
    const remote = await runRemote(target, noop, 'p8o');
    const chain = layeredPlan(100, 1, 1, { tool: 'sleep', args: { ms: 0 } });
    const chainLocal = await runLocal(chain);
    const chainRemote = await runRemote(target, chain, 'p8o-chain');

    // P8f with the default timings (5 s lock, stalled check every 2 s), on two workers.
    for (const worker of workers.splice(2)) await stop(worker);
    const recoverMs = await measureRecovery(target, workers);

    return {
      speedup: round(msOneWorker / msFourWorkers, 2),
      msOneWorker: Math.round(msOneWorker),
      msFourWorkers: Math.round(msFourWorkers),
      overheadMsPerStep: round(Math.max(0, remote - local) / 400, 3),
      latencyMsPerStep: round(Math.max(0, chainRemote - chainLocal) / 100, 3),
      recoverMs: Math.round(recoverMs),
    };
  } finally {
    for (const worker of workers) await stop(worker);
    redis.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

/** n steps in levels of `width`; step i depends on step i − width. */
function layeredPlan(n: number, width: number, maxParallel: number, action: { tool: string; args: Record<string, unknown> }): Plan {
  const steps = Array.from({ length: n }, (_, i): Step => ({ id: `s${i}`, tool: action.tool, args: action.args, dependsOn: i >= width ? [`s${i - width}`] : [] }) as Step);
  return { goal: `${n} steps`, inputs: {}, maxParallel, steps } as Plan;
}

async function runLocal(plan: Plan): Promise<number> {
  const registry = createBuiltinRegistry();
  const started = performance.now();
  const state = await new Execution({ plan, runId: 'local', invokeTool: registry.invoker({ workspace: tmpdir() }) }).start();
  if (state.status !== 'succeeded') throw new Error(`local run ${state.status}: ${state.error}`);
  return performance.now() - started;
}

async function runRemote(target: RedisTarget, plan: Plan, tag: string, onEvent?: (event: RunEvent) => void): Promise<number> {
  const runId = `bench-${tag}-${Date.now()}`;
  const remote = new RemoteSteps({ target, runId });
  try {
    // As `ksa run --redis`: the queue is open before the run starts.
    await remote.ready();
    const started = performance.now();
    const state = await new Execution({
      plan,
      runId,
      invokeTool: remote.invoker(() => Promise.reject(new Error('every step runs on a worker'))),
      placeStep: () => ({ labels: [], each: false }),
      onEvent,
    }).start();
    if (state.status !== 'succeeded') throw new Error(`remote run ${state.status}: ${state.error}`);
    return performance.now() - started;
  } finally {
    await remote.close();
  }
}

async function measureRecovery(target: RedisTarget, workers: ChildProcess[]): Promise<number> {
  const byName = new Map(workers.map((worker, i) => [`bench-${i + 1}`, worker]));
  const plan = { goal: 'recover', inputs: {}, steps: [{ id: 'lost', tool: 'sleep', args: { ms: 3000 }, dependsOn: [], retry: { maxAttempts: 2, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 } }] } as unknown as Plan;
  let killedAt = 0;
  let recoveredAt = 0;
  await runRemote(target, plan, 'p8f', (event) => {
    if (event.type !== 'step_started' || !event.worker) return;
    if (event.attempt === 1) {
      killedAt = performance.now();
      byName.get(event.worker)?.kill('SIGKILL');
    } else recoveredAt ||= performance.now();
  });
  return recoveredAt - killedAt;
}

/**
 * A `ksa worker` whose log lines go to a file: the coordinator (this process)
 * does not read them, as `ksa run` does not, so they cost it nothing.
 */
async function startWorker(url: string, name: string, cwd: string): Promise<ChildProcess> {
  const logFile = path.join(cwd, `${name}.log`);
  const log = await open(logFile, 'w');
  const child = spawn(process.execPath, [KSA, 'worker', '--redis', url, '--name', name, '--concurrency', '8', '--json'], { cwd, stdio: ['ignore', log.fd, 'inherit'] });
  await log.close();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if ((await readFile(logFile, 'utf8')).includes('"worker_started"')) return child;
    if (exited !== undefined) throw new Error(`ksa worker ${name} exited (${exited}) before it was ready`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function waitForRedis(url: string): Promise<RedisTarget> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await checkRedis(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
