import { watchOutage, watchRefusal } from './redis-outage.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { errorMessage, RefusedAttemptError } from '../planning/index.js';
import { guardKubeContext, KubeContextMismatchError, KubeRetargetError, UnknownToolError, type ToolRegistry } from '../tools/index.js';
import type { InvokeTool } from '../planning/tool-call.js';
import { maskingPrivateKeyLines } from '../planning/private-key-lines.js';
import { REDACTED } from '../planning/redacted.js';
import { cancelledOn, HANDED_BACK, NOT_STARTED } from './stopped-job.js';
import { partNotRun } from './step-messages.js';
import { WorkerSlots } from './worker-slots.js';
import { CANCEL_CHANNEL, cancelledKey, labelQueue, labelSubsets, PREFIX, workerQueue, type StepJobData, type StepJobProgress, type StepJobResult } from './queue-names.js';
import { RedisUnavailableError, type RedisTarget } from './redis-connection.js';
import { rightRefused } from './redis-rights.js';
import { claimWorkerName, startHeartbeat } from './worker-registry.js';
import { processStart } from '../tools/process-identity.js';
import { settledWithin } from './settled-within.js';
import { LeftResults } from './left-results.js';
import { keepBatch, OutputBatches } from './output-batches.js';

/** Lost-attempt detection: a crashed worker's lock expires after lockMs; another worker checks every stalledMs. */
export type StallTimings = { readonly lockMs: number; readonly stalledMs: number };
export const DEFAULT_STALL_TIMINGS: StallTimings = { lockMs: 5000, stalledMs: 2000 };

export type StepWorkerOptions = {
  readonly target: RedisTarget;
  readonly name: string;
  readonly labels: readonly string[];
  readonly concurrency: number;
  readonly workspace: string;
  readonly registry: ToolRegistry;
  readonly timings?: StallTimings;
  /** How much of an attempt's output lines go through Redis (OutputBatches); tests make it small. */
  readonly outputBytes?: number;
  /** One line per step (and per state change of the worker). */
  readonly log: (entry: WorkerLogEntry) => void;
  /**
   * What this machine's own rules say of a job's call, just before it runs (a rollback's too): undefined
   * to run it, else the line its attempt fails with, nothing run.
   */
  readonly refusal?: (call: { readonly tool: string; readonly args: Readonly<Record<string, unknown>> }) => Promise<string | undefined>;
  /** Hides the worker's secrets (values of its secret-looking environment variables), and a job's, in all that leaves it. */
  readonly redactor: WorkerRedactor;
  /** What hides the lines of a run's typed keys, known by their digests (the store's keyLineHider); none without digests. */
  readonly keyLines?: (runId: string, digests: readonly string[] | undefined) => ((text: string) => string) | undefined;
};

/** The store's Redactor as the worker uses it: one per job, with the secrets the job came with. */
export type WorkerRedactor = {
  text(value: string): string;
  /** A JSON.stringify replacer that hides them in every string, and a number equal to one (undefined when there is nothing to hide). */
  readonly contentReplacer: ((key: string, value: unknown) => unknown) | undefined;
  with(more: Iterable<string>): WorkerRedactor;
  alsoHiding(hide: (text: string) => string): WorkerRedactor;
};

export type WorkerLogEntry =
  | { readonly type: 'step_done'; readonly jobId: string; readonly runId: string; readonly stepId: string; readonly attempt: number; readonly phase: 'run' | 'rollback'; readonly tool: string; readonly ok: boolean; readonly durationMs: number; readonly error?: string }
  /** The connection to Redis was lost (no step is taken meanwhile), or is back. */
  | { readonly type: 'redis_lost' | 'redis_back'; readonly redis: string }
  /** A reconnect was refused for its password or user (said once per outage; it goes on trying). */
  | { readonly type: 'redis_refused'; readonly redis: string; readonly message: string };

/** How long a finished attempt's last output lines may take to reach a slow Redis before its result goes back. */
const OUTPUT_GRACE_MS = 5000;

/** How long stopping waits for BullMQ and the registry once no step runs. */
const STOP_GRACE_MS = 2000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `ksa worker`: takes steps from the queues of its labels (and its own queue)
 * and runs them with the same tool registry as a local run: process-tree
 * kill, output capture and workspace confinement are the tools' own. Each
 * attempt is one BullMQ job with one delivery: a crash is not redelivered
 * by BullMQ (maxStalledCount 0) but reported as a failed attempt, which the
 * coordinator retries under the step's retry policy.
 */
export class StepWorker {
  private readonly workers: Worker[] = [];
  /** The running jobs, by id, with their Redis keys: a Redis restarted without its data no longer has them. */
  private readonly running = new Map<string, string>();
  /**
   * Each running job's own stop. BullMQ's signal alone may not reach it: once a job's lock expired (Redis did
   * not answer meanwhile) BullMQ can lose track of it, and the coordinator's cancel would then stop nothing.
   */
  private readonly stops = new Map<string, AbortController>();
  private subscriber: Redis | undefined;
  private cancelPoll: NodeJS.Timeout | undefined;
  private client: Redis | undefined;
  private heartbeat: { beat: () => Promise<void>; stop: () => Promise<void> } | undefined;
  private readonly slots: WorkerSlots;
  /** stop() was called: the connections closing now are this worker's doing. */
  private leaving = false;
  /** Stopped at once: what still runs is killed and handed back, not failed by itself. */
  private abandoning = false;
  /** What must end before a handed-back step is given back (its containers removed): its retry would race them. */
  private handedBackAfter: Promise<unknown> = Promise.resolve();
  /** Attempts ended here whose job BullMQ could not finish (Redis did not answer until their lock expired). */
  private readonly left = new LeftResults(() => this.client);
  readonly startedAt = new Date().toISOString();

  constructor(private readonly options: StepWorkerOptions) {
    this.slots = new WorkerSlots(options.concurrency);
  }

  get runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /** `beforeJobs`: runs once the name is this worker's and before it takes a job (what a dead worker of the name left is cleaned up there). */
  async start(beforeJobs?: () => Promise<void>): Promise<void> {
    const { target, name, labels, concurrency } = this.options;
    const timings = this.options.timings ?? DEFAULT_STALL_TIMINGS;
    this.client = new Redis(target.options);
    this.client.on('error', () => {});
    const token = randomUUID();
    // Cancels come on a channel: heard before the name is claimed, so a user who may not subscribe leaves no worker registered.
    this.subscriber = new Redis(target.options);
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (_channel: string, jobId: string) => this.cancelJob(jobId));
    try {
      await this.subscriber.subscribe(CANCEL_CHANNEL).catch((error: unknown) => {
        // Allowed to publish there but not to subscribe (-subscribe): said as the start-up check says a refusal.
        const refusal = rightRefused(error, 'subscribe (channels)');
        throw refusal === undefined ? error : new RedisUnavailableError({ url: target.display, reason: refusal });
      });
      await claimWorkerName(this.client, name, token);
    } catch (error) {
      this.subscriber.disconnect();
      this.client.disconnect();
      throw error;
    }
    // Without a word, a worker whose Redis went away would seem idle for no reason.
    watchOutage(this.client, (down) => {
      // Closing its own connections is no outage.
      if (!this.leaving) this.options.log({ type: down ? 'redis_lost' : 'redis_back', redis: target.display });
    });
    watchRefusal(this.client, (message) => this.leaving || this.options.log({ type: 'redis_refused', redis: target.display, message }), target.display);
    // Its boot and start time: a restart on this machine can tell this process died (claimWorkerName).
    const identity = processStart(process.pid);
    this.heartbeat = startHeartbeat(this.client, token, () => ({ name, labels: [...labels], host: hostname(), pid: process.pid, ...identity, concurrency, running: this.runningJobs, startedAt: this.startedAt, ...(this.leaving ? { stopping: true as const } : {}) }));
    await this.heartbeat.beat();
    await beforeJobs?.();

    // A cancel published while this worker was away from Redis (an outage, a reconnect) is never
    // delivered, and one sent on the coordinator's reconnect may beat this one's: the cancel mark
    // stays, so the running jobs' marks are read on every reconnect and every few seconds.
    this.subscriber.on('ready', () => void this.stopMarkedJobs());
    this.cancelPoll = setInterval(() => void this.stopMarkedJobs(), CANCEL_POLL_MS);
    this.cancelPoll.unref();

    const queues = [...labelSubsets(labels).map(labelQueue), workerQueue(name)];
    const processor = (job: Job<StepJobData, StepJobResult>, _token?: string, signal?: AbortSignal) => this.process(job, signal);
    for (const queue of queues) {
      const worker = new Worker<StepJobData, StepJobResult>(queue, processor, {
        connection: target.options as ConnectionOptions,
        prefix: PREFIX,
        name,
        concurrency,
        lockDuration: timings.lockMs,
        stalledInterval: timings.stalledMs,
        maxStalledCount: 0,
        autorun: false,
      });
      worker.on('error', (error) => this.left.onError(error));
      worker.on('completed', (job) => this.left.reported(job.id));
      worker.on('failed', (job) => this.left.reported(job?.id));
      this.workers.push(worker);
    }
    for (const worker of this.workers) void worker.run().catch(() => {});
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /** Finishes what runs (or, with `now`, abandons it to be detected as lost) and leaves the registry. */
  async stop({ now = false, handedBackAfter }: { now?: boolean; handedBackAfter?: Promise<unknown> } = {}): Promise<void> {
    this.leaving = true;
    this.slots.leave();
    this.abandoning ||= now;
    if (handedBackAfter) this.handedBackAfter = handedBackAfter;
    // Said at once, not at the next heartbeat: coordinators stop sending it steps (a fan-out's part) it would never take.
    if (this.heartbeat) await settledWithin(this.heartbeat.beat(), STOP_GRACE_MS);
    const closing = Promise.all(this.workers.map((worker) => worker.close(now).catch(() => {}))).then(() => this.heartbeat?.stop());
    // The steps that run finish first (unless `now`). What is left, BullMQ's reads and leaving the registry, a
    // Redis that went away never answers: bounded, then the connections are dropped.
    if (!now) while (this.running.size > 0) await delay(100);
    await settledWithin(closing, STOP_GRACE_MS);
    for (const worker of this.workers) void worker.disconnect().catch(() => {});
    clearInterval(this.cancelPoll);
    this.subscriber?.disconnect();
    this.client?.disconnect();
  }

  private cancelJob(jobId: string): void {
    this.stops.get(jobId)?.abort(new Error('cancelled by the coordinator'));
    for (const worker of this.workers) worker.cancelJob(jobId, 'cancelled by the coordinator');
  }

  /**
   * Stops the running jobs the coordinator cancelled, and those Redis no longer has (restarted without its
   * data): the coordinator counts such an attempt as lost and retries it, which must not run beside it.
   */
  private async stopMarkedJobs(): Promise<void> {
    const client = this.client;
    if (this.running.size === 0 || client?.status !== 'ready') return;
    const ids = [...this.running.keys()];
    const marks = await Promise.all(ids.map((id) => client.exists(cancelledKey(id)))).catch(() => []);
    const kept = await Promise.all(ids.map((id) => client.exists(this.running.get(id)!))).catch(() => []);
    ids.forEach((id, i) => {
      if (marks[i] || kept[i] === 0) this.cancelJob(id);
    });
  }

  /** The job's secrets and the lines of its run's typed keys hidden too, before anything of it leaves for Redis. */
  private jobRedactor(data: StepJobData): WorkerRedactor {
    const withSecrets = data.secrets && data.secrets.length > 0 ? this.options.redactor.with(data.secrets) : this.options.redactor;
    const keyLines = this.options.keyLines?.(data.runId, data.keyLineDigests);
    return keyLines ? withSecrets.alsoHiding(keyLines) : withSecrets;
  }

  // 3 parameters: BullMQ only creates the AbortSignal for processors that declare it.
  private async process(job: Job<StepJobData, StepJobResult>, signal: AbortSignal | undefined): Promise<StepJobResult> {
    const { data } = job;
    const jobId = job.id!;
    // The attempt's own times go back with its end (the run may hear of that end late, after a Redis that
    // stalled): from when this worker took it, as the run counts its duration and timeout, a wait for a slot included.
    const startedAtMs = Date.now();
    const redactor = this.jobRedactor(data);
    const redact = (text: string) => redactor.text(text);
    if (await this.client!.exists(cancelledKey(jobId))) throw new UnrecoverableError(NOT_STARTED);
    // One --concurrency for all the queues this worker listens to.
    // A fan-out's part, sent to this worker alone, is not run once it stops (WorkerSlots).
    const taken = await this.slots.take(data.phase === 'run' && job.queueName === workerQueue(this.options.name));
    if (taken === 'none') throw new UnrecoverableError(partNotRun(this.options.name, true));
    // Cancelled while it waited here for a slot: it never started (the coordinator records it so).
    if (signal?.aborted || (taken === 'waited' && (await this.client!.exists(cancelledKey(jobId)).catch(() => 0)) === 1)) {
      this.slots.release();
      throw new UnrecoverableError(NOT_STARTED);
    }
    const started = performance.now();
    const stop = new AbortController();
    this.stops.set(jobId, stop);
    const stopped = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    this.running.set(jobId, `${job.queueQualifiedName}:${jobId}`);
    const kept = (progress: StepJobProgress) => (this.client ? keepBatch(this.client, jobId, progress).catch(() => {}) : undefined);
    const output = new OutputBatches(async (progress) => (await kept(progress), job.updateProgress(progress)), this.options.name, this.options.outputBytes);
    const done = (ok: boolean, error?: string) =>
      this.options.log({ type: 'step_done', jobId, runId: data.runId, stepId: data.stepId, attempt: data.attempt, phase: data.phase, tool: data.tool, ok, durationMs: Math.round(performance.now() - started), ...(error ? { error } : {}) });
    try {
      const refused = await this.options.refusal?.({ tool: data.tool, args: data.args });
      if (refused !== undefined) throw new RefusedAttemptError(refused);
      const local: InvokeTool = (call) => this.options.registry.invoke(call, { workspace: this.options.workspace });
      // The run's context pin holds here too: this machine's current context may be another cluster.
      const pinned = data.kubeContext !== undefined ? guardKubeContext(local, { tools: this.options.registry, approved: data.kubeContext }) : local;
      // Its lines leave for Redis one batch at a time: a key's body must be hidden here, where its header is seen.
      const invoke = maskingPrivateKeyLines(pinned, REDACTED);
      const value = await invoke(
        {
          tool: data.tool,
          args: data.args,
          stepId: data.stepId,
          attempt: data.attempt,
          phase: data.phase,
          signal: stopped,
          onOutput: (line, stream) => output.push(redact(line), stream),
        },
      );
      done(true);
      const result = { worker: this.options.name, output: value === undefined ? null : redactor.contentReplacer ? redactedCopy(value, redactor.contentReplacer) : value, ran: { startedAtMs, endedAtMs: Date.now() } };
      this.left.ended(jobId, result);
      return result;
    } catch (error) {
      // Stopped at once, its process tree killed: not the step's failure, and not an OOM kill to look for.
      const endedAtMs = Date.now();
      const message = this.abandoning ? `${HANDED_BACK}: worker ${this.options.name} was stopped at once` : stopped.aborted ? cancelledOn(this.options.name) : redact(workerError(error, this.options.name));
      if (this.abandoning) await settledWithin(this.handedBackAfter, STOP_GRACE_MS);
      done(false, message);
      this.left.ended(jobId, { worker: this.options.name, error: message, ran: { startedAtMs, endedAtMs } });
      // Never retried by BullMQ: the coordinator applies the step's retry policy.
      throw new UnrecoverableError(message);
    } finally {
      // Its lines reach Redis before its result: the coordinator's log is whole when the step ends there.
      await settledWithin(output.end(), OUTPUT_GRACE_MS);
      // The job is kept a day for its result: its arguments need not be, with the secrets they held. Those the job
      // names, and any this worker's redactor finds besides (a credential typed into a step, sent by an older ksa).
      const args = redactedCopy(data.args, redactor.contentReplacer) as Record<string, unknown>;
      if ((data.secrets && data.secrets.length > 0) || JSON.stringify(args) !== JSON.stringify(data.args)) {
        const { secrets: _secrets, ...rest } = data;
        await settledWithin(job.updateData({ ...rest, args }), SCRUB_GRACE_MS);
      }
      this.running.delete(jobId);
      this.stops.delete(jobId);
      this.slots.release();
    }
  }
}

/** How often a worker reads the cancel marks of the jobs it runs (a cancel message can be missed). */
const CANCEL_POLL_MS = 2000;

/** How long a finished job's arguments wait to be scrubbed, when Redis is slow to answer, before its result goes back. */
const SCRUB_GRACE_MS = 2000;

function redactedCopy(value: unknown, replacer: ((key: string, value: unknown) => unknown) | undefined): unknown {
  return JSON.parse(JSON.stringify(value, replacer)) as unknown;
}

/** A tool this worker lacks (an MCP tool, or one of a newer ksa) says where it was looked for. */
function workerError(error: unknown, worker: string): string {
  if (KubeContextMismatchError.isInstance(error) || KubeRetargetError.isInstance(error)) return `on worker ${worker}: ${error.message}`;
  if (!UnknownToolError.isInstance(error)) return errorMessage(error);
  return `on worker ${worker}: unknown tool "${error.toolName}" (a worker has the built-in tools of its ksa version, not the MCP servers of the machine running ksa)`;
}
