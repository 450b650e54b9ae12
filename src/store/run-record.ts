import { z } from 'zod';
import { INPUT_KINDS } from '../planning/input-types.js';
import { PlanSchema } from '../planning/schema.js';
import { RUN_STATUSES, STEP_STATUSES } from '../planning/state.js';
import { ApprovalSchema } from './approval-record.js';

/** What is kept of a run: enough to show it, resume it and roll it back. Validated on every load. */

const RollbackResultSchema = z.union([
  z.object({ status: z.literal('succeeded'), startedAt: z.string(), endedAt: z.string() }),
  z.object({ status: z.literal('failed'), startedAt: z.string(), endedAt: z.string(), error: z.string() }),
]);

export const StepStateSchema = z.object({
  status: z.enum(STEP_STATUSES),
  attempts: z.int().min(0),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  skipReason: z.string().optional(),
  rollback: RollbackResultSchema.optional(),
  worker: z.string().optional(),
  /** Absent from records written before each attempt's worker was kept: those name the last one only. */
  attemptWorkers: z.array(z.object({ attempt: z.int().min(1), worker: z.string() })).optional(),
  succeededOn: z.record(z.string(), z.unknown()).optional(),
  retryAt: z.string().optional(),
  waitingSince: z.string().optional(),
  interruptedAttempt: z.int().min(1).optional(),
  rollbackStartedAt: z.string().optional(),
  earlierAttempts: z.int().min(1).optional(),
  cutShortAt: z.string().optional(),
});

export const RunStateSchema = z.object({
  runId: z.string(),
  goal: z.string(),
  status: z.enum(RUN_STATUSES),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()),
  steps: z.record(z.string(), StepStateSchema),
  completed: z.array(z.string()),
  failedStepId: z.string().optional(),
  error: z.string().optional(),
  cancelStartedAt: z.string().optional(),
});

export const RunRecordSchema = z.object({
  version: z.literal(1),
  /** RUN_RECORD_FORMAT of the build that created it, or took it over since (RunStore.open); absent from older builds' records (see legacy-rollback.ts). */
  format: z.int().min(2).optional(),
  runId: z.string(),
  goal: z.string(),
  createdAt: z.string(),
  /** The plan file it came from, if any (a chat plan has none). */
  planFile: z.string().optional(),
  workspace: z.string(),
  plan: PlanSchema,
  /** As given (`--input`); secret-looking values are redacted when written. */
  inputs: z.record(z.string(), z.unknown()),
  /** The kind each secret input's plan default was declared with (its value is stored as ***); absent from older builds' records. */
  secretInputKinds: z.record(z.string(), z.enum(INPUT_KINDS)).optional(),
  /** Names only: values are read from the environment again on resume. */
  allowedEnv: z.array(z.string()).default([]),
  maxParallel: z.int().min(1).optional(),
  sessionId: z.string().optional(),
  /** The kube context the plan was approved for: cluster steps that would touch another are refused. */
  kubeContext: z.string().optional(),
  /** The Redis its steps were sent to (`--redis`), without credentials: a resume must send them there too. */
  redis: z.string().optional(),
  /**
   * What writing this record hid as *** (a secret given, or written into the plan): the steps whose fields, the steps
   * whose rollbacks, and the inputs. Absent from older builds' records, read then by the *** in them (masked-steps.ts).
   * `outputs`: the steps whose output, as stored, lost a secret it printed; absent from the records of builds that
   * did not note them, read then by the *** in the outputs (masked-outputs.ts).
   */
  masked: z.object({ steps: z.array(z.string()), rollbacks: z.array(z.string()), inputs: z.array(z.string()), outputs: z.array(z.string()).optional() }).optional(),
  /**
   * The digests of the body lines of the private keys written into the plan (stored there as ***), by which a resumed
   * run hides them when a step prints them (key-line-digests.ts). Absent when the plan holds none, and from older builds' records.
   */
  keyLineDigests: z.array(z.string()).optional(),
  /** Every approval this run got (its start, each resume), oldest first. */
  approvals: z.array(ApprovalSchema).default([]),
  state: RunStateSchema,
});

export type RunRecord = z.infer<typeof RunRecordSchema>;

/** One line of `ksa runs`: kept in the index so listing never reads whole runs. */
export const RunSummarySchema = z.object({
  runId: z.string(),
  goal: z.string(),
  status: z.enum(RUN_STATUSES),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  steps: z.int().min(0),
  sessionId: z.string().optional(),
});

export type RunSummary = z.infer<typeof RunSummarySchema>;

export { summarize } from './run-summary.js';
