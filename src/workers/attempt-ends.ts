import { Queue, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { asResult, jobId, PREFIX, type StepJobData, type StepJobResult } from './queue-names.js';
import type { RedisTarget } from './redis-connection.js';
import { readableJob, runJobKeys } from './run-job-keys.js';
import { settledWithin } from './settled-within.js';
import { DENIED_ON_WORKER, lostOr, saysPartNotRun } from './step-messages.js';
import { stoppedEnd } from './stopped-job.js';

/** How an attempt ended on the worker that ran it, by that worker's clock (BullMQ's processedOn and finishedOn). */
export type AttemptEnd = { readonly worker: string; readonly startedAtMs?: number; readonly endedAtMs: number } & (
  | { readonly ok: true; readonly output: unknown }
  /** `final`: the worker's own rules refused it, and a retry would meet them again. */
  | { readonly ok: false; readonly error: string; readonly final: boolean }
);

/**
 * A fan-out's attempt, by the worker each of its parts went to: how that part ended there, or undefined when
 * it has not ended of itself (still queued or running, stopped, lost, or given back unrun).
 */
export type PartEnds = ReadonlyMap<string, AttemptEnd | undefined>;

export type AttemptEnds = { readonly ends: Map<string, AttemptEnd>; readonly parts: Map<string, Map<string, AttemptEnd | undefined>> };

const CLOSE_GRACE_MS = 2000;

/**
 * For each attempt (`stepId` → attempt number) whose job a worker ran to its end, how it ended there: its
 * result, or the failure it met of itself. Left out: a job still queued or running, one the run had stopped
 * (or a worker refused unrun, or lost). For each fan-out's attempt (`fanOuts`), every part Redis has
 * (`<run>.<step>.<attempt>.<worker>`), ended or not. A run whose process died learns so what its workers did meanwhile.
 */
export async function attemptEnds(target: RedisTarget, runId: string, attempts: ReadonlyMap<string, number>, fanOuts: ReadonlyMap<string, number> = new Map()): Promise<AttemptEnds> {
  const found: AttemptEnds = { ends: new Map(), parts: new Map() };
  if (attempts.size === 0 && fanOuts.size === 0) return found;
  const idOf = (stepId: string, attempt: number) => jobId({ runId, stepId, attempt, phase: 'run' });
  const wanted = new Map([...attempts].map(([stepId, attempt]) => [idOf(stepId, attempt), stepId]));
  const wantedParts = new Map([...fanOuts].map(([stepId, attempt]) => [idOf(stepId, attempt), stepId]));
  for (const stepId of fanOuts.keys()) found.parts.set(stepId, new Map());
  const client = new Redis({ ...target.options, lazyConnect: true });
  client.on('error', () => {});
  const queues: Queue[] = [];
  try {
    await client.connect();
    for (const { queue: name, id } of await runJobKeys(client, runId)) {
      // Run and step ids hold no '.', worker names may: a part's id is its attempt's, then '.', then its worker.
      const [attemptId, worker] = [id.split('.').slice(0, 3).join('.'), id.split('.').slice(3).join('.')];
      const stepId = worker === '' ? wanted.get(id) : wantedParts.get(attemptId);
      if (stepId === undefined) continue;
      const queue = new Queue(name, { connection: target.options as ConnectionOptions, prefix: PREFIX });
      queue.on('error', () => {});
      queues.push(queue);
      const job = await readableJob<StepJobData, StepJobResult>(queue, client, id);
      if (!job) continue;
      const end = attemptEnd(job, await job.getState());
      if (worker !== '') found.parts.get(stepId)!.set(worker, end && { ...end, worker });
      else if (end) found.ends.set(stepId, end);
    }
    return found;
  } finally {
    const closing = Promise.all(queues.map((queue) => queue.close().catch(() => {})));
    if (!(await settledWithin(closing, CLOSE_GRACE_MS))) for (const queue of queues) void queue.disconnect().catch(() => {});
    client.disconnect();
  }
}

function attemptEnd(job: Job<StepJobData, StepJobResult>, state: string): AttemptEnd | undefined {
  if (job.finishedOn === undefined) return undefined;
  const times = { ...(job.processedOn !== undefined ? { startedAtMs: job.processedOn } : {}), endedAtMs: job.finishedOn };
  if (state === 'completed') {
    const result = asResult(job.returnvalue);
    const worker = job.processedBy ?? result.worker;
    return worker ? { worker, ...times, ok: true, output: result.output === undefined ? null : result.output } : undefined;
  }
  const reason = job.failedReason;
  if (state !== 'failed' || !job.processedBy || stoppedEnd(reason) !== 'failed' || saysPartNotRun(reason ?? '')) return undefined;
  const error = lostOr(reason);
  return { worker: job.processedBy, ...times, ok: false, error, final: error.startsWith(DENIED_ON_WORKER) };
}
