import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage, type ToolCall, type WorkerRun } from '../planning/index.js';
import { clearFailedJob, stopJob } from './job-cancel.js';
import { leftBehind, type LeftResult } from './left-results.js';
import { endedOfItself, jobTaker, lostAttemptMessage, type LostAttemptEnd } from './lost-attempt-stop.js';
import type { Outstanding, Watcher } from './outstanding-job.js';
import { lastKeptLines, OutputReader } from './output-reader.js';
import { holdWhilePaused } from './paused-hold.js';
import { asResult, type StepJobData, type StepJobResult } from './queue-names.js';
import type { RedisSilence } from './redis-silence.js';
import { heldWhilePaused, lostOr, RemoteStepError, remoteStepError, STALLED } from './step-messages.js';
import { endedRun, ranBeforeFailing, TakerNaming } from './stopped-job.js';
import { takeOver } from './taken-over.js';

/** What one job's wait needs of the coordinator that sent it (RemoteSteps). */
export type JobCoordinator = {
  readonly client: Redis;
  readonly silence: RedisSilence;
  /** A resumed run: its job may exist already, left by its predecessor. */
  readonly reattach: boolean;
  /** The jobs waited for now, as the sweep and the run's notes see them. */
  readonly outstanding: Set<Outstanding>;
  readonly closed: () => boolean;
  /** Not sent until Redis is back (a rollback after Ctrl-C): said when it is away, or it looks like a hang. */
  readonly beforeSend: () => void;
  readonly queue: (name: string) => Queue;
  /** Opens the queue's event stream: the jobs waited for there are watched from then on. */
  readonly queueEvents: (queueName: string) => Promise<unknown>;
  /** The jobs waited for on a queue whose event stream is open, by id. */
  readonly watchers: (queueName: string) => Map<string, Watcher>;
  /** Remembers the job's data (its secrets to scrub later) and gives what adds it, again too. */
  readonly adder: (queue: Queue, call: ToolCall, id: string) => () => Promise<void>;
  /** A lost attempt's worker: remembered, its job stopped there and scrubbed of secrets. */
  readonly noteLost: (call: Pick<ToolCall, 'stepId' | 'attempt'>, id: string, worker: string, key: string, takenAt: number | undefined) => Promise<LostAttemptEnd>;
  readonly showWaiting: (entry: Outstanding) => Promise<void>;
  readonly startWait: (entry: Outstanding) => void;
};

/**
 * One attempt's job, from its add to its end: its result or failure as its queue's events (or the stored
 * job, when an event was missed) tell it, the worker that took it, its output lines, and its stop when
 * the run aborts the attempt. `target`: the one worker it was sent to (a fan-out's part, a rollback).
 */
export async function awaitStepJob(coordinator: JobCoordinator, call: ToolCall, queueName: string, id: string, labels: readonly string[], target: string | undefined): Promise<StepJobResult> {
  coordinator.beforeSend();
  const queue = coordinator.queue(queueName);
  await coordinator.queueEvents(queueName);
  const watching = coordinator.watchers(queueName);
  return new Promise<StepJobResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (watching.get(id) === watcher) watching.delete(id);
      call.signal.removeEventListener('abort', onAbort);
      clearTimeout(entry.deadline);
      coordinator.outstanding.delete(entry);
      entry.stopHold?.();
      fn();
    };
    let losing = false;
    // Stopped by the run: only a failure of its own there is the attempt's.
    const end = (reason: string | undefined, ran?: StepJobResult['ran']) =>
      void output.drained().then(() => {
        const error = naming.stopping ? naming.failure(reason, call.signal.reason, (why) => remoteStepError(lostOr(why))) : remoteStepError(lostOr(reason));
        naming.ended(ran);
        finish(() => reject(error));
      });
    // What its worker left of an attempt it could not report (its lock gone) is the attempt's end; else `otherwise`.
    const unlessLeft = (otherwise: () => unknown) => {
      if (settled || losing) return;
      losing = true;
      void leftBehind(coordinator.client, id, coordinator.silence, coordinator.closed).then((left) => settleLeft(left, otherwise));
    };
    const workerLost = (worker: string) => unlessLeft(() => coordinator.noteLost(call, id, worker, queue.toKey(id), entry.takenAt).then((ended) => {
      return settleLeft(endedOfItself(ended), () => (naming.stopping ? end(undefined) : finish(() => reject(new RemoteStepError(lostAttemptMessage(worker, ended.how))))));
    }));
    // A result or a failure its worker left settles the attempt as if heard; nothing left, `otherwise`.
    const settleLeft = (left: LeftResult | undefined, otherwise: () => unknown) => (left ? ('error' in left ? failedThere(left.error, left.ran) : complete(left)) : otherwise());
    // A part's worker is the one it went to: named although its failure is heard before its taking.
    const namePartWorker = (reason: string | undefined) => {
      if (target && ranBeforeFailing(reason)) nameWorker(target);
    };
    // Reported (or left) by its worker: the attempt's own failure.
    const failedThere = (reason: string | undefined, ran?: StepJobResult['ran']) => {
      namePartWorker(reason);
      end(reason, ran);
    };
    // As BullMQ tells it: a stall (or no reason) is not the attempt's failure yet; who had the job decides.
    const failed = (failedReason: string | undefined) => {
      if (failedReason && !STALLED.test(failedReason)) return failedThere(failedReason);
      namePartWorker(failedReason);
      // What its worker left is looked up already (by a stalled check or a sweep): that settles the attempt.
      if (losing) return;
      // BullMQ's stalled check (by another worker on the queue) found it first; or no worker named yet (the job names it).
      if (entry.takenBy || naming.stopping) return entry.takenBy && failedReason ? workerLost(entry.takenBy) : unlessLeft(() => end(failedReason));
      void coordinator.client.hget(queue.toKey(id), 'pb').then((worker) => (worker ? (nameWorker(worker), workerLost(worker)) : unlessLeft(() => end(failedReason))), () => unlessLeft(() => end(failedReason)));
    };
    const naming = new TakerNaming(call.onWorker);
    const nameWorker = (worker: string | undefined, ran?: WorkerRun, takenAt?: number) => {
      if (entry.takenBy || !worker) return;
      entry.takenBy = worker;
      entry.takenAt = ran?.startedAtMs ?? takenAt;
      naming.took(worker, ran);
    };
    // A job finished before this process watched it (a resumed run), or before the run's stop reached it, still names its worker.
    const complete = (result: StepJobResult) => {
      if (settled) return;
      nameWorker(result.worker || undefined);
      naming.say();
      naming.ended(result.ran);
      void output.drained().then(() => finish(() => resolve(result)));
    };
    // Only the worker's name and when it took it are needed: two fields, not the whole job.
    const onActive = () => jobTaker(coordinator.client, queue.toKey(id)).then(({ worker, takenAt }) => nameWorker(worker, undefined, takenAt), () => {});
    const output = new OutputReader({ client: coordinator.client, jobId: id, onOutput: call.onOutput, beforeLines: () => (entry.takenBy ? undefined : onActive()) });
    // The attempt is over for the run at once; its work ends when the worker has stopped it (its process
    // tree killed, its container removed), so a retry, a rollback or the run's end do not race it.
    const onAbort = () => {
      call.signal.removeEventListener('abort', onAbort);
      naming.stopping = true;
      stopJob(queue, coordinator.client, id, { stopped: () => finish(() => reject(call.signal.reason)), ended: (job) => {
          nameWorker(job.processedBy, endedRun(job));
          void fromJob(job as Job<StepJobData, StepJobResult>);
        },
      });
    };
    const fromJob = async (job: Job<StepJobData, StepJobResult>): Promise<string> => {
      const state = await job.getState();
      if (state === 'completed') complete(asResult(job.returnvalue));
      else if (state === 'failed') failed(job.failedReason);
      else if (state === 'active') nameWorker(job.processedBy, undefined, job.processedOn);
      return state;
    };
    const entry: Outstanding = {
      queue: queueName,
      id,
      call,
      labels,
      target,
      waitingSince: Date.now(),
      added: false,
      waitingShown: false,
      fromJob,
      active: (worker, takenAt) => nameWorker(worker, undefined, takenAt),
      workerLost,
      lost: (reason) => finish(() => reject(new RemoteStepError(reason))),
      requeue: () => add(),
    };
    const watcher: Watcher = { completed: (returnvalue: unknown) => complete(asResult(returnvalue)), failed, active: onActive, progress: (data) => output.take(data) };
    // A resumed run watches the id once its predecessor's job is cleared: the events of one lost meanwhile are not
    // this attempt's, and what was missed before is read from the stored job once added.
    const watch = () => void (settled || watching.set(id, watcher));
    if (!coordinator.reattach) watch();
    if (call.signal.aborted) return onAbort();
    call.signal.addEventListener('abort', onAbort, { once: true });
    coordinator.outstanding.add(entry);
    const add = coordinator.adder(queue, call, id);
    // A fresh run's job ids are new; only a resumed run may find its predecessor's under the same id
    // (and a step cancelled meanwhile is not added: its cancel found no job to stop).
    const cleared = async () => {
      const lost = await clearFailedJob(queue, coordinator.client, id, call.attempt, { cutShort: call.resumesCutShort === true, run: call.phase === 'run' });
      if (lost !== undefined) call.onOutput(lost, 'stderr');
      watch();
      return call.signal.aborted ? undefined : add();
    };
    void (coordinator.reattach ? cleared() : add())
      .then(async () => {
        entry.added = true;
        if (coordinator.reattach) {
          // The id may exist already (a resumed run): take the stored job's state as it is.
          const job = await Job.fromId<StepJobData, StepJobResult>(queue, id);
          if (!job) return;
          await takeOver(job, call, nameWorker, await lastKeptLines(coordinator.client, id));
          output.seen(job.progress);
          const state = await fromJob(job);
          if (state !== 'waiting' && state !== 'prioritized') return;
        }
        await coordinator.showWaiting(entry);
        coordinator.startWait(entry);
        // Not started yet: a pause holds it until the run goes on.
        if (call.pause) entry.stopHold = holdWhilePaused({ gate: call.pause, entry, queue, add, over: () => settled || entry.takenBy !== undefined || call.signal.aborted, waitAgain: () => coordinator.startWait(entry), heldLine: heldWhilePaused(labels, target) });
      })
      .catch((error: unknown) => finish(() => reject(new RemoteStepError(`could not queue the step: ${errorMessage(error)}`))));
  });
}
