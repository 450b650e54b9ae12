import type { Redis } from 'ioredis';
import { leftResultKey, type StepJobResult } from './queue-names.js';
import type { RedisSilence } from './redis-silence.js';

/** What a worker left of an attempt it ran to its end: its result, or the step's error. */
export type LeftResult = StepJobResult | { readonly worker: string; readonly error: string; readonly ran?: StepJobResult['ran'] };

/** Kept a day, as BullMQ keeps a finished job: a resumed coordinator may come for it. */
const KEEP_S = 24 * 3600;

/** BullMQ's words when a job could not be finished because its lock was gone (expired, or the job failed as stalled). */
const LOCK_GONE = /^(?:Missing lock for job (.+)\. moveToFinished|Job (.+) is not in the active state\. moveToFinished)$/;

/**
 * The worker's side of an attempt whose job it cannot finish. A Redis that stops answering (stopped,
 * a paused VM, a network black hole) lets the job's lock expire meanwhile, and the worker's report then
 * fails on the missing lock: the attempt would count as lost though it ran to its end. Its result is
 * left under a key of its own instead, where the coordinator looks before it calls an attempt lost.
 */
export class LeftResults {
  /** Attempts that ended here and whose report BullMQ has not confirmed yet, by job id. */
  private readonly ending = new Map<string, LeftResult>();

  constructor(private readonly client: () => Redis | undefined) {}

  ended(jobId: string, left: LeftResult): void {
    this.ending.set(jobId, left);
  }

  /** BullMQ finished the job: nothing to leave. */
  reported(jobId: string | undefined): void {
    if (jobId !== undefined) this.ending.delete(jobId);
  }

  /** A BullMQ worker's error: when it says a job could not be finished, what the attempt gave is left for the coordinator. */
  onError(error: Error): void {
    const match = LOCK_GONE.exec(error.message);
    const jobId = match?.[1] ?? match?.[2];
    const left = jobId === undefined ? undefined : this.ending.get(jobId);
    if (jobId === undefined || left === undefined) return;
    this.ending.delete(jobId);
    void this.client()
      ?.set(leftResultKey(jobId), JSON.stringify(left), 'EX', KEEP_S)
      .catch(() => {});
  }
}

/** The coordinator's side: what the worker left of attempt `jobId`, if it could not finish its job. */
export async function leftResult(client: Redis, jobId: string): Promise<LeftResult | undefined> {
  const text = await client.get(leftResultKey(jobId));
  if (text === null) return undefined;
  try {
    const left = JSON.parse(text) as LeftResult;
    return typeof left === 'object' && left !== null && typeof left.worker === 'string' ? left : undefined;
  } catch {
    return undefined;
  }
}

/** How often, after a silence, the coordinator looks again for what a worker left. */
const LOOK_AGAIN_MS = 250;

/**
 * What the worker of an attempt that looks lost left of it: one that ran to its end while Redis did not
 * answer could not finish its job (its lock expired meanwhile). After a silence it is asked at once and,
 * if not there yet, again once Redis has answered long enough for a live worker to have left it; a
 * worker that died left nothing.
 */
export async function leftBehind(client: Redis, jobId: string, silence: Pick<RedisSilence, 'settled'>, closed: () => boolean): Promise<LeftResult | undefined> {
  const ask = () => leftResult(client, jobId).catch(() => undefined);
  if (silence.settled()) return ask();
  const early = await ask();
  while (!early && !silence.settled() && !closed()) await new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));
  return early ?? ask();
}
