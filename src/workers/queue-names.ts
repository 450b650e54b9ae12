/**
 * How steps reach workers through BullMQ: one queue per label set (keys
 * `ksa:<queue>:*`; queue names and job ids may not contain ':'). A worker
 * listens to the queue of every subset of its labels (a step with
 * `runsOn: [web]` goes to any worker that has `web`), and to its own queue for
 * the fan-out and the rollbacks that must run where their step ran.
 */

import { credentialsIn } from '../planning/credential-shapes.js';
import type { ToolCall } from '../planning/tool-call.js';

export const PREFIX = 'ksa';
/** A queue's events stream keeps about this many (BullMQ's 10 000 of large output batches grew to gigabytes); the sweep makes up for an end the coordinator did not read in time. */
export const EVENTS_MAX_LEN = 2000;
export const CANCEL_CHANNEL = 'ksa:cancel';
export const WORKERS_KEY = 'ksa:workers';
/** Held by the live worker of that name (its token), renewed with its heartbeat. */
export const workerNameKey = (name: string) => `ksa:worker-name:${name}`;
export const cancelledKey = (jobId: string) => `ksa:cancelled:${jobId}`;
/** What a worker left of an attempt whose job it could not finish (its lock expired while Redis did not answer). */
export const leftResultKey = (jobId: string) => `ksa:left:${jobId}`;
/**
 * An attempt's output batches by number, kept until the coordinator has read them all (the events stream may drop
 * some first). Four parts: scans of a run's jobs (ksa:<queue>:<id>) do not take it for one.
 */
export const outputKey = (jobId: string) => `ksa:output:${jobId}:batches`;

/** Worker names: used in queue names, so no ':' and nothing odd. */
export const WORKER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function labelQueue(labels: readonly string[]): string {
  return labels.length === 0 ? 'steps' : `steps-${[...labels].sort().join('+')}`;
}

export function workerQueue(worker: string): string {
  return `worker-${worker}`;
}

/** Every subset of the labels (2^n, n ≤ 5), the empty one included. */
export function labelSubsets(labels: readonly string[]): string[][] {
  const sorted = [...new Set(labels)].sort();
  const subsets: string[][] = [];
  for (let mask = 0; mask < 1 << sorted.length; mask++) subsets.push(sorted.filter((_, i) => (mask & (1 << i)) !== 0));
  return subsets;
}

/** `<runId>.<stepId>.<attempt>` (+ `.<worker>` for a fan-out, `.rollback` for an undo): the same attempt is the same job. */
export function jobId(parts: { runId: string; stepId: string; attempt: number; phase: 'run' | 'rollback'; worker?: string }): string {
  const base = `${parts.runId}.${parts.stepId}.${parts.phase === 'rollback' ? 'rollback' : parts.attempt}`;
  return parts.worker === undefined ? base : `${base}.${parts.worker}`;
}

/** Whether a job id (see jobId) is a rollback's: neither run ids nor step ids hold a '.'. */
export function isRollbackJobId(id: string): boolean {
  return id.split('.')[2] === 'rollback';
}

/** What a job carries to the worker, and what the worker gives back. */
export type StepJobData = {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly phase: 'run' | 'rollback';
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** The kube context the run was approved for: the worker refuses a cluster call aimed at another. */
  readonly kubeContext?: string;
  /**
   * The run's secrets (secret inputs, the coordinator's secret variables) that
   * `args` holds, and the credentials typed into it (a token, a private key, a
   * URL's password): the worker writes them as *** in its log and in what it
   * sends back, and takes them out of the job's `args` once it has run.
   */
  readonly secrets?: readonly string[];
  /**
   * The digests of the body lines of the private keys typed into the run's plan, as its record keeps them (salted
   * with `runId`): a step printing such lines without their header (`sed -n 2,4p id_rsa`) holds none of the job's
   * secrets, yet its lines must leave the worker as ***. The lines themselves are never sent.
   */
  readonly keyLineDigests?: readonly string[];
};
/** What every job of a run carries besides its call: the approved kube context, the run's secrets, its key lines' digests. */
export type JobPin = { readonly kubeContext?: string; readonly secrets?: readonly string[]; readonly keyLineDigests?: readonly string[] };
/**
 * The job of one attempt (or rollback) of a step, with the secrets of the pin its arguments hold (only those), and
 * the credentials typed into them: no variable or input names those, yet the job, kept a day, must not keep them.
 * Every job carries the key lines' digests: any step may print those lines.
 */
export function stepJobData(runId: string, call: Pick<ToolCall, 'stepId' | 'attempt' | 'phase' | 'tool' | 'args'>, pin: JobPin): StepJobData {
  const { stepId, attempt, phase, tool, args } = call;
  const strings = stringsIn(args);
  const given = (pin.secrets ?? []).filter((secret) => strings.some((text) => text.includes(secret)));
  const secrets = [...new Set([...given, ...strings.flatMap(credentialsIn)])];
  const digests = pin.keyLineDigests ?? [];
  return { runId, stepId, attempt, phase, tool, args, ...(pin.kubeContext !== undefined ? { kubeContext: pin.kubeContext } : {}), ...(secrets.length > 0 ? { secrets } : {}), ...(digests.length > 0 ? { keyLineDigests: digests } : {}) };
}

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  // A secret given as a number (`--input dbPin=99990000`) is one the job holds too.
  else if (typeof value === 'number') into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) into.push(key), stringsIn(item, into);
  return into;
}
/** `ran`: when its worker started and ended the attempt, by that worker's clock (an older worker gave none). */
export type StepJobResult = { readonly worker: string; readonly output: unknown; readonly ran?: { readonly startedAtMs: number; readonly endedAtMs: number } };
/** A job's return value as a result (an older worker returned the output alone). */
export const asResult = (value: unknown): StepJobResult => (typeof value === 'object' && value !== null && 'worker' in value ? (value as StepJobResult) : { worker: '', output: value });
/**
 * Progress updates: output lines, batched. The job keeps only the last batch: `before` (how many of the step's
 * lines came before it, a worker's note not counted) tells a run that takes the job over how many it cannot have. `seq` numbers the
 * batches of an attempt from 0 (each is also kept under outputKey), `last` marks the final one, and
 * `dropped` says that the batch starts with the worker's note on that many lines it did not send.
 */
export type StepJobProgress = {
  readonly lines: readonly { readonly line: string; readonly stream: 'stdout' | 'stderr' }[];
  readonly before?: number;
  readonly seq?: number;
  readonly last?: boolean;
  readonly dropped?: number;
};
