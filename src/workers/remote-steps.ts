import { Job, Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { watchOutage, watchRefusal } from './redis-outage.js';
import { Redis } from 'ioredis';
import { AddBatcher } from './add-batcher.js';
import { settledWhileAnswering, settledWithin } from './settled-within.js';
import { describePlacement, errorMessage, PartialSuccessError, RefusedAttemptError, type InvokeTool, type Placement, type ToolCall } from '../planning/index.js';
import { EVENTS_MAX_LEN, jobId as makeJobId, stepJobData, labelQueue, PREFIX, workerQueue, type JobPin, type StepJobData, type StepJobResult } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';
import { LostWorkers } from './lost-workers.js';
import { stopLostAttempt, type LostAttemptEnd } from './lost-attempt-stop.js';
import { JobScrubber } from './job-scrub.js';
import { beginRunIndex, indexJob } from './run-job-keys.js';
import { endTakenOverJobs } from './taken-over-end.js';
import type { Outstanding, Watcher } from './outstanding-job.js';
import { RedisSilence } from './redis-silence.js';
import { sweepJobs } from './job-sweep.js';
import { runParts } from './taken-over.js';
import { noWorkerTook, pinnedNotTaken, redisOutage, rollbackOnGoneWorker, secretsLeft, waitingForPinned, RemoteStepError, waitingForWorker } from './step-messages.js';
import { GoneWorkerError, goneForRollback } from './worker-gone.js';
import { liveWorkers, offers, type WorkerInfo } from './worker-registry.js';
import { failStoppedPart } from './stopped-part.js';
import { awaitStepJob, type JobCoordinator } from './step-job.js';

export const DEFAULT_WORKER_WAIT_MS = 5 * 60_000;
/** How often outstanding jobs are looked at: jobs Redis lost, steps nobody takes. */
const SWEEP_MS = 1000;
/** Finished jobs are kept a day, so a resumed coordinator can still collect them. */
const KEEP = { age: 24 * 3600 };

export { RemoteStepError } from './step-messages.js';
export type RemoteStepsOptions = {
  readonly target: RedisTarget;
  readonly runId: string;
  /** How long a step waits for a worker with its labels before it fails. */
  readonly workerWaitMs?: number;
  /**
   * A resumed run: its jobs may exist already (queued, running or finished by the workers while no
   * coordinator watched), so each add is followed by a look at the stored job (a fresh run's: the sweep).
   */
  readonly reattach?: boolean;
  /**
   * A rollback bound to a worker that is gone fails at once, naming it, instead of waiting --worker-wait for it
   * (`ksa cancel` of a run whose coordinator died: its workers may have died with it, and nothing else can undo there).
   */
  readonly failRollbacksOnGoneWorkers?: boolean;
  /** Told, as one line, what the run's end could not do: take the secrets out of its jobs, Redis away. */
  readonly warn?: (line: string) => void;
};

/** How long closing waits for BullMQ to end its reads before it drops the connections. */
const CLOSE_GRACE_MS = 2000;
/** How long a run taken over waits for Redis to answer, at its end, as it ends its jobs: longer, Redis is out of reach. */
const RUN_END_SILENCE_MS = 5000;

/**
 * The coordinator's side: a tool call becomes a BullMQ job (id = run, step,
 * attempt), and the result, the failure, the output lines and the worker's
 * name come back as queue events. Adding a job id that exists does nothing,
 * so a resumed run reattaches to the jobs its crashed predecessor left.
 */
export class RemoteSteps {
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<string, Promise<QueueEvents>>();
  /** Per queue, the jobs waited for, by id: one listener per event type, not four per job. */
  private readonly watchers = new Map<string, Map<string, Watcher>>();
  private readonly outstanding = new Set<Outstanding>();
  private readonly adds = new AddBatcher();
  private readonly client: Redis;
  private readonly sweepTimer: NodeJS.Timeout;
  private workersCache: { at: number; list: Promise<WorkerInfo[]> } | undefined;
  private readonly lostWorkers = new LostWorkers();
  private readonly scrubber = new JobScrubber();
  private closed = false;
  /** Set by invoker(): a RemoteSteps serves one run, so one approved context. */
  private pin: JobPin = {};
  /** Set by invoker(): where the run's own notes go (its stderr, the live view), apart from any step's output. */
  private note: (line: string) => void = () => {};
  private sweeping = false;
  private redisDown = false;
  /** Whether this outage was said: its end is said only then, and it is said once, not per waiting step. */
  private outageSaid = false;
  private readonly silence: RedisSilence;
  /** What each job's wait (awaitStepJob) needs of this coordinator. */
  private readonly jobs: JobCoordinator;

  constructor(private readonly options: RemoteStepsOptions) {
    // Commands issued in one turn (the worker names of a batch of active events) go out as one write.
    this.client = new Redis({ ...options.target.options, enableAutoPipelining: true });
    this.client.on('error', () => {});
    if (options.reattach !== true) beginRunIndex(this.client, options.runId);
    // The run's news, not a line any step printed: said once per outage as the run's note, however many
    // steps wait, and kept out of the steps' output and logs.
    watchOutage(this.client, (down) => {
      this.redisDown = down;
      if (down && this.outstanding.size > 0) this.sayOutage(true);
      else if (!down && this.outageSaid) {
        this.outageSaid = false;
        this.note(redisOutage(options.target.display, false, true));
      }
    });
    watchRefusal(this.client, (line) => this.outstanding.size > 0 && this.note(line), options.target.display);
    // A Redis that answers nothing closes nothing either: said when a sweep's read waits, once, not per tick (the run's news).
    this.silence = new RedisSilence(options.target.display, (line) => {
      if (this.redisDown || this.outstanding.size === 0) return false;
      this.note(line);
      return true;
    });
    this.sweepTimer = setInterval(() => {
      // While Redis is away commands wait for the reconnect: one sweep at a time.
      if (this.sweeping) return;
      this.sweeping = true;
      void this.sweep()
        .catch(() => {})
        .finally(() => (this.sweeping = false));
    }, SWEEP_MS);
    this.sweepTimer.unref();
    this.jobs = {
      client: this.client,
      silence: this.silence,
      reattach: options.reattach === true,
      outstanding: this.outstanding,
      closed: () => this.closed,
      beforeSend: () => {
        if (this.redisDown) this.sayOutage(false);
      },
      queue: (name) => this.queue(name),
      queueEvents: (name) => this.queueEvents(name),
      watchers: (name) => this.watchers.get(name)!,
      adder: (queue, call, id) => {
        const data = stepJobData(options.runId, call, this.pin);
        this.scrubber.added(queue.toKey(id), data);
        // Listed first: a job added and not listed would be out of reach of the run's end after a takeover.
        return () => indexJob(this.client, options.runId, queue.name, id, options.reattach !== true).then(() => this.adds.add(queue, call.tool, data, { jobId: id, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP }));
      },
      noteLost: (call, id, worker, key, takenAt) => this.noteLost(call, id, worker, key, takenAt),
      showWaiting: (entry) => this.showWaiting(entry),
      startWait: (entry) => this.startWait(entry),
    };
  }

  private sayOutage(sent: boolean): void {
    if (!this.outageSaid) this.note(redisOutage(this.options.target.display, true, sent));
    this.outageSaid = true;
  }

  /**
   * Calls with a placement (or a rollback of a step a worker ran) go to workers; the rest to `local`.
   * `pin.kubeContext` goes with each job: the worker refuses a cluster call aimed elsewhere;
   * so do the `pin.secrets` a job's arguments hold, which the worker never writes in clear.
   */
  invoker(local: InvokeTool, pin: JobPin = {}, note: (line: string) => void = () => {}): InvokeTool {
    this.pin = pin;
    this.note = note;
    return (call) => {
      if (call.phase === 'rollback') return call.workers && call.workers.length > 0 ? this.rollback(call, call.workers) : local(call);
      if (!call.placement) return local(call);
      return call.placement.each ? this.fanOut(call, call.placement) : this.runOn(call, labelQueue(call.placement.labels), call.placement.labels);
    };
  }

  /**
   * Opens the queues a run will use (their connections and event streams) before its first step: otherwise
   * the first wave of steps waits for them. Gives up quietly after `timeoutMs`: a queue still opens on first use.
   */
  async ready(labelSets: readonly (readonly string[])[] = [[]], timeoutMs = 5000): Promise<void> {
    const names = [...new Set(labelSets.map(labelQueue))];
    const opened = Promise.all(names.map(async (name) => Promise.all([this.queue(name).waitUntilReady(), this.queueEvents(name)])));
    await settledWithin(opened, timeoutMs);
  }

  async workers(): Promise<WorkerInfo[]> {
    const now = Date.now();
    if (!this.workersCache || now - this.workersCache.at > SWEEP_MS) this.workersCache = { at: now, list: liveWorkers(this.client) };
    return this.lostWorkers.filter(await this.workersCache.list);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    await this.scrubJobs();
    const events = await Promise.all([...this.events.values()].map((opening) => opening.catch(() => undefined)));
    const queues = [...this.queues.values()];
    const graceful = Promise.all([...events.map((each) => each?.close().catch(() => {})), ...queues.map((queue) => queue.close().catch(() => {}))]);
    // BullMQ's close waits for its blocking reads, which a Redis that restarted may never answer: the run has
    // ended, so past a short grace the connections are dropped instead of keeping ksa alive.
    const late = !(await settledWithin(graceful, CLOSE_GRACE_MS));
    // Their disconnect may wait for a connection that never becomes ready again: it is started, not awaited.
    if (late) for (const each of [...events, ...queues]) void each?.disconnect().catch(() => {});
    this.client.disconnect();
  }

  /**
   * The secrets out of the jobs at the run's end: those it added; a run taken over (ksa resume, ksa cancel), every
   * job of the run, as its predecessor may have died with its worker before either could, and those still queued
   * removed (endTakenOverJobs). Said when Redis is away.
   */
  private async scrubJobs(): Promise<void> {
    if (!this.options.reattach) return void (await settledWithin(this.scrubber.scrubAll(this.client), CLOSE_GRACE_MS));
    let ended = false;
    let answeredAt = Date.now();
    // Not waited for when Redis is known away: its commands would wait for the reconnect.
    if (!this.redisDown) {
      const work = endTakenOverJobs(this.client, this.options.runId, (name) => this.queue(name), () => void (answeredAt = Date.now()));
      await settledWhileAnswering(work.then(() => void (ended = true)), RUN_END_SILENCE_MS, () => answeredAt);
    }
    if (!ended) this.options.warn?.(secretsLeft(this.options.target.display, this.options.runId));
  }

  private async runOn(call: ToolCall, queue: string, labels: readonly string[], worker?: string): Promise<unknown> {
    const id = makeJobId({ runId: this.options.runId, stepId: call.stepId, attempt: call.attempt, phase: call.phase, ...(worker ? { worker } : {}) });
    const result = await awaitStepJob(this.jobs, call, queue, id, labels, worker);
    return result.output;
  }

  private async fanOut(call: ToolCall, placement: Placement): Promise<unknown> {
    const started = Date.now();
    let matching = (await this.workers()).filter((info) => offers(info, placement.labels));
    while (matching.length === 0) {
      if (call.signal.aborted) throw call.signal.reason;
      const left = started + this.waitMs - Date.now();
      if (left <= 0) throw new RemoteStepError(this.noWorkerMessage(placement.labels, call));
      if (Date.now() - started < SWEEP_MS) call.onOutput(`waiting for ${describePlacement(placement)}${this.lostWorkers.note(call.stepId, call.attempt)}`, 'stderr');
      // Looked at every tick, and once more when the wait is up: not up to a tick after it.
      await new Promise((resolve) => setTimeout(resolve, Math.min(SWEEP_MS, left)));
      this.workersCache = undefined;
      matching = (await this.workers()).filter((info) => offers(info, placement.labels));
    }
    const names = matching.map((info) => info.name);
    const settled = await runParts(names, (name, onWorker) => this.runOn({ ...call, onWorker }, workerQueue(name), placement.labels, name), call.onWorker);
    const failures = settled.flatMap((result, i) => (result.status === 'rejected' ? [`${names[i]}: ${errorMessage(result.reason)}`] : []));
    const succeeded = Object.fromEntries(settled.flatMap((result, i) => (result.status === 'fulfilled' ? [[names[i]!, result.value]] : [])));
    // The workers where it succeeded are named, so the run's rollback undoes it there although the step failed.
    if (failures.length > 0) throw new PartialSuccessError({ message: `failed on ${failures.length} of ${names.length} workers: ${failures.join('; ')}`, succeeded, refused: settled.some((result) => result.status === 'rejected' && RefusedAttemptError.isInstance(result.reason)) });
    return succeeded;
  }

  private async rollback(call: ToolCall, workers: readonly string[]): Promise<unknown> {
    const results = await Promise.allSettled(workers.map(async (name) => {
      const gone = this.options.failRollbacksOnGoneWorkers ? await goneForRollback(this.client, name) : undefined;
      if (gone !== undefined) throw new GoneWorkerError(rollbackOnGoneWorker(name, gone, call.stepId));
      return this.runOn(call, workerQueue(name), [], name);
    }));
    const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [GoneWorkerError.isInstance(result.reason) ? result.reason.message : `${workers[i]}: ${errorMessage(result.reason)}`] : []));
    if (failures.length > 0) throw new RemoteStepError(failures.join('; '));
    return null;
  }

  private get waitMs(): number {
    return this.options.workerWaitMs ?? DEFAULT_WORKER_WAIT_MS;
  }

  private noWorkerMessage(labels: readonly string[], call: Pick<ToolCall, 'stepId' | 'attempt'>): string {
    return noWorkerTook(this.waitMs, labels, this.lostWorkers.note(call.stepId, call.attempt));
  }

  /** A lost attempt's worker: remembered (the next attempt is not offered to it); its job stopped there (stopLostAttempt) and scrubbed of secrets. */
  private async noteLost(call: Pick<ToolCall, 'stepId' | 'attempt'>, id: string, worker: string, key: string, takenAt: number | undefined): Promise<LostAttemptEnd> {
    this.workersCache = undefined;
    this.lostWorkers.add(call.stepId, call.attempt, worker, await liveWorkers(this.client).catch(() => []));
    return (await Promise.all([stopLostAttempt(this.client, id, worker, { takenAt, closed: () => this.closed }), this.scrubber.scrub(this.client, key)]))[0];
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.target.options as ConnectionOptions, prefix: PREFIX, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
      queue.setMaxListeners(0);
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  private queueEvents(name: string): Promise<QueueEvents> {
    let events = this.events.get(name);
    if (!events) {
      const created = new QueueEvents(name, { connection: this.options.target.options as ConnectionOptions, prefix: PREFIX });
      created.on('error', () => {});
      const watching = new Map<string, Watcher>();
      this.watchers.set(name, watching);
      // The stream's events carry parsed values (returnvalue, data), whatever the typings say.
      created.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => watching.get(jobId)?.completed(returnvalue));
      created.on('failed', ({ jobId, failedReason }) => watching.get(jobId)?.failed(failedReason));
      created.on('active', ({ jobId }) => watching.get(jobId)?.active());
      created.on('progress', ({ jobId, data }: { jobId: string; data: unknown }) => watching.get(jobId)?.progress(data));
      events = created.waitUntilReady().then(() => created);
      this.events.set(name, events);
    }
    return events;
  }

  /** Says once that the step waits, when no live worker offers its labels (a job for one worker waits for it alone); fails a fan-out's part whose worker stopped. */
  private async showWaiting(entry: Outstanding): Promise<void> {
    const workers = await this.workers();
    if ((await failStoppedPart(entry, workers, this.queue(entry.queue))) || entry.waitingShown) return;
    if (entry.target ? workers.some((info) => info.name === entry.target) : workers.some((info) => offers(info, entry.labels))) return;
    entry.waitingShown = true;
    entry.call.onOutput(entry.target ? waitingForPinned(entry.target) : waitingForWorker(entry.labels, this.lostWorkers.note(entry.call.stepId, entry.call.attempt)), 'stderr');
  }

  private async sweep(): Promise<void> {
    if (this.closed) return;
    const entries = [...this.outstanding].filter((entry) => entry.added && !entry.held);
    if (entries.length === 0) return;
    await sweepJobs(entries, { client: this.client, queue: (name) => this.queue(name), silence: this.silence, waitMs: this.waitMs, showWaiting: (entry) => this.showWaiting(entry), giveUp: (entry, job) => this.giveUp(entry, job) });
  }

  /** --worker-wait counts from here, as the step says it waits: its own timer, not the next sweep after it. */
  private startWait(entry: Outstanding): void {
    if (!this.outstanding.has(entry)) return;
    entry.waitingSince = Date.now();
    entry.deadline = setTimeout(() => void this.expireUntaken(entry).catch(() => {}), this.waitMs);
    entry.deadline.unref();
  }

  /** At --worker-wait's end: a step still waiting for a worker fails. */
  private async expireUntaken(entry: Outstanding): Promise<void> {
    const job = await Job.fromId<StepJobData, StepJobResult>(this.queue(entry.queue), entry.id);
    const state = job && (await entry.fromJob(job));
    if (state === 'waiting' || state === 'prioritized') await this.giveUp(entry, job!);
  }

  /** Fails a step no worker took within --worker-wait, and takes its job off the queue. */
  private async giveUp(entry: Outstanding, job: Job<StepJobData, StepJobResult>): Promise<void> {
    await job.remove().catch(() => {});
    entry.lost(entry.target ? pinnedNotTaken(this.waitMs, entry.target, entry.call.phase) : this.noWorkerMessage(entry.labels, entry.call));
  }
}
