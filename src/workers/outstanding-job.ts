import type { Job } from 'bullmq';
import type { ToolCall } from '../planning/index.js';
import type { StepJobData, StepJobResult } from './queue-names.js';

/** What a job's events do in the run that waits for it. */
export type Watcher = {
  readonly completed: (returnvalue: unknown) => void;
  readonly failed: (failedReason: string) => void;
  readonly active: () => void;
  readonly progress: (data: unknown) => void;
};

/** A job the coordinator waits for, as its sweep and its deadline see it. */
export type Outstanding = {
  readonly queue: string;
  readonly id: string;
  readonly call: Pick<ToolCall, 'stepId' | 'attempt' | 'phase' | 'onOutput'>;
  readonly labels: readonly string[];
  /** The one worker it was sent to (a fan-out's part, a rollback), else any with its labels. */
  readonly target: string | undefined;
  /** When its wait for a worker began: its add reached Redis and the step said it waits (--worker-wait counts from there). */
  waitingSince: number;
  /** Its add reached Redis: before that the sweep must not take the missing job for a lost one. */
  added: boolean;
  readonly lost: (reason: string) => void;
  /** Adds its job again (Redis lost it before any worker took it). */
  readonly requeue: () => Promise<void>;
  /** The worker that took it, once known. */
  takenBy?: string;
  /** When it took it, by that worker's clock (BullMQ's processedOn): a later process of that name is not the one that runs it. */
  takenAt?: number;
  /** A worker took it (the sweep saw its name where the active event was missed), at `takenAt`. */
  readonly active: (worker: string, takenAt?: number) => void;
  /** Its worker is gone while it ran: a lost attempt, however BullMQ comes to know it. */
  readonly workerLost: (worker: string) => void;
  /** Settles from the stored job when its event was missed (e.g. across a reconnect). */
  readonly fromJob: (job: Job<StepJobData, StepJobResult>) => Promise<string>;
  waitingShown: boolean;
  /** Taken off the queue while the run is paused (holdWhilePaused): the sweep must not take it for lost. */
  held?: boolean;
  /** Stops watching the run's pause, once it has settled. */
  stopHold?: () => void;
  /** Fails it when --worker-wait is up and no worker took it (the sweep would be up to a tick late). */
  deadline?: NodeJS.Timeout;
  /** When its one worker (a fan-out's part's) was first seen gone from the registry. */
  targetGoneSince?: number;
};
