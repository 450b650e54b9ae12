import type { Redis } from 'ioredis';
import { KsaError } from '../planning/ksa-error.js';
import { WORKERS_KEY } from './queue-names.js';
import { redisNow } from './redis-clock.js';
import { diedHere, HEARTBEAT_MS, LIVE_WITHIN_MS, type WorkerInfo } from './worker-registry.js';

const NOT_LIVE = 'it is not among the live workers';
const LOOK_MS = 250;

/**
 * Why worker `name` can no longer run anything of a run (said after `<name> is gone`), or undefined when it
 * looks alive: no entry in the registry (it stopped, or its stale entry was dropped), a heartbeat older than
 * a live worker's, a process that died on this machine (kill -9 leaves a fresh entry for seconds), or, with
 * `takenAt` (when it took a job), a process started after that holds its name: the one that ran the job died.
 */
export async function workerGone(client: Redis, name: string, takenAt?: number): Promise<string | undefined> {
  const [text, now] = await Promise.all([client.hget(WORKERS_KEY, name), redisNow(client)]);
  if (text === null) return NOT_LIVE;
  let info: WorkerInfo;
  try {
    info = JSON.parse(text) as WorkerInfo;
  } catch {
    return 'its entry among the workers is unreadable';
  }
  // An entry without a readable heartbeat is as stale as an old one: nothing says that worker is alive.
  return Number.isNaN(Date.parse(info.lastSeen)) ? noHeartbeatFor(Number.NaN) : processGone(info, now, takenAt);
}

/**
 * Why the process `info` describes (a registry entry read at `now`, by Redis's clock) no longer runs what it took at
 * `takenAt`, or undefined while it may: its heartbeat is older than a live worker's, its process died on this machine,
 * or a process started after that holds its name.
 */
export function processGone(info: WorkerInfo, now: number, takenAt: number | undefined): string | undefined {
  const silent = now - Date.parse(info.lastSeen);
  if (silent > LIVE_WITHIN_MS) return noHeartbeatFor(silent);
  if (diedHere(info)) return `${noHeartbeatFor(silent)}; its process ${info.pid} on this machine has ended`;
  if (takenAt !== undefined && Date.parse(info.startedAt) > takenAt) return 'it was restarted since it took the job, which died with its earlier process';
  return undefined;
}

const noHeartbeatFor = (silentMs: number) => `no heartbeat for ${Math.max(0, Math.round(silentMs / 1000))}s`;

/**
 * Why a job a worker was running (`worker`, BullMQ's processedBy; '?' when not known) runs nowhere any more,
 * or undefined when its worker may still be running it: its worker is gone (workerGone), or its lock expired
 * before it ended (no worker renews it: a live one does every few seconds).
 */
export async function jobRunsNowhere(client: Redis, worker: string, jobKey: string, takenAt: number | undefined): Promise<string | undefined> {
  const gone = worker === '?' ? undefined : await workerGone(client, worker, takenAt);
  if (gone !== undefined) return gone;
  const [finishedOn, locked] = await Promise.all([client.hget(jobKey, 'finishedOn'), client.exists(`${jobKey}:lock`)]);
  return finishedOn === null && locked === 0 ? 'its lock on the job expired: nothing renews it' : undefined;
}

/**
 * As workerGone, for a rollback about to be sent to `name`. A worker missing from the registry is looked for
 * during two heartbeats first: a Redis restarted without its data has no entries until the workers' next ones.
 */
export async function goneForRollback(client: Redis, name: string): Promise<string | undefined> {
  const deadline = Date.now() + 2 * HEARTBEAT_MS;
  for (;;) {
    const why = await workerGone(client, name);
    if (why !== NOT_LIVE || Date.now() >= deadline) return why;
    await new Promise((resolve) => setTimeout(resolve, LOOK_MS));
  }
}

/** A rollback not sent: its worker is gone. Its message names the worker itself. */
export class GoneWorkerError extends KsaError {
  constructor(message: string) {
    super({ name: 'GoneWorkerError', message });
  }
}
