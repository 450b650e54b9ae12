import { isDeepStrictEqual } from 'node:util';
import type { LanguageModel } from 'ai';
import { allowedEnvValues, cancelUnderWay, describeUnsetEnvRead, doneStepIds, initialRunState, seedRunView, unsetEnvReadsOnResume, type Plan, type RunState, type RunView } from '../planning/index.js';
import type { ApprovalMode } from '../policy/rules/index.js';
import { createRedactor, errorText, failedStepLogTails, legacyRollbackReading, localUser, maskedOnResume, secretInputValues, planHash, type Conversation, type OpenRun, type Reflection, type RunRecord, type RunStore } from '../store/index.js';
import type { ProposedPlan } from './agent-tools.js';
import type { ModelConfig } from './config.js';
import { approvedKubeContext, type ToolRegistry } from '../tools/index.js';
import { toModelError } from './model-errors.js';
import { reflectOnRun } from './reflection.js';
import { resumeOutline } from './resume-outline.js';
import type { SecretAnswers } from './resume-secrets.js';
import { driveRun, type DriveRunOptions, type RunHandle } from './run-controller.js';
import { otherRedisReason, runCommandHint } from '../workers/redis-url.js';
import { mayUseWorkers } from '../store/run-workers.js';

/** What running an approved plan from a chat needs; shared by the TUI session and `ksa ask --yes`. */
export type SessionRunDeps = {
  readonly runs: RunStore;
  readonly conversation: Conversation;
  readonly workspace: string;
  readonly model: LanguageModel;
  readonly modelConfig: ModelConfig;
  readonly newRunId: () => string;
  /** Workers (a Redis is configured): the chat's runs send their steps to them, as `ksa run --redis` does. */
  readonly workers?: RunWorkers;
  /** The environment the chat started in: a resumed run reads the variables its `--allow-env` let in from here. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** The Redis ksa resume and ksa cancel use by themselves (KSA_REDIS_URL or config.json's "redis"): their hints then need no --redis for it. */
  readonly configuredRedis?: string;
};

/** A run's connection to the workers, and its end. */
export type OpenedRemote = { readonly remote: NonNullable<DriveRunOptions['remote']>; close(): Promise<void> };

/** How a chat reaches the workers: its Redis checked before a plan is approved, then opened for each run. */
export type RunWorkers = {
  /** The Redis, without credentials, as the run records it (a resume must use it too). */
  readonly redis: string;
  /** Throws one line naming the Redis and the cause when it cannot be used (nothing is created then). */
  check(): Promise<void>;
  /** `reattach`: a resumed run takes the results of the jobs its steps already have. `warn`: what its end could not do. */
  open(runId: string, plan: Plan, reattach: boolean, warn?: (line: string) => void): Promise<OpenedRemote>;
  /** Stops what a stopped run's rollbacks (begun, by its `state`) still do on workers: said (what was stopped) and warnings (what would not stop). */
  stopRollbacks(runId: string, state: Pick<RunState, 'steps'>): Promise<{ said: readonly string[]; warnings: readonly string[] }>;
};

/** Who approved a chat's plan (`user@host`, `--yes` or `policy`), in which mode. */
export type ApprovalGrant = { readonly approvedBy: string; readonly mode: ApprovalMode; readonly allowDestroy?: boolean };

/** The user at this terminal approved, in the chat. */
export function userGrant(mode: ApprovalMode, destroys: boolean): ApprovalGrant {
  return { approvedBy: localUser(), mode, ...(destroys ? { allowDestroy: true } : {}) };
}

/**
 * The user approved: the decision is stored, and the run is created (or, for
 * a /resume proposal, taken over) and owned by this process. The approval is
 * stored with the run, bound to the plan shown: a resumed run whose plan is
 * not the one shown any more is refused.
 */
export async function openApprovedRun(deps: SessionRunDeps, proposal: ProposedPlan, owner: string, grant: ApprovalGrant, registry?: ToolRegistry, given: SecretAnswers = {}): Promise<OpenRun> {
  const run = await createOrOpenRun(deps, proposal, owner, registry, given);
  // A resume goes on with the stored inputs and the secret ones typed again (written as *** as before).
  const inputs = proposal.resumeRunId ? { ...run.record.inputs, ...given } : {};
  const approval = { planHash: planHash(proposal.plan, inputs), approvedAt: new Date().toISOString(), approvedBy: grant.approvedBy, mode: grant.mode, user: localUser(), command: owner, ...(grant.allowDestroy ? { allowDestroy: true as const } : {}) };
  try {
    await run.recordApproval(approval, inputs);
  } catch (error) {
    await run.close();
    throw error;
  }
  deps.conversation.append({ kind: 'approval', planId: proposal.planId, decision: 'approved', runId: run.runId });
  // On disk before the first step starts: a chat killed a moment later must not offer the plan for approval
  // again (a second run of it) but say that its run was interrupted. A failed write stays pending and is retried.
  await deps.conversation.flush().catch(() => {});
  return run;
}

async function createOrOpenRun(deps: SessionRunDeps, proposal: ProposedPlan, owner: string, registry: ToolRegistry | undefined, given: SecretAnswers): Promise<OpenRun> {
  const { plan } = proposal;
  const runId = proposal.resumeRunId ?? deps.newRunId();
  if (proposal.resumeRunId) {
    const run = await deps.runs.open(proposal.resumeRunId, owner, { inputs: given });
    // Checked again on the record as opened under the lock (it may have gone on since /resume showed it).
    const refusal = otherRedisInChat(run.runId, run.record.redis, deps.workers?.redis) ?? unsetEnvRefusal(run.runId, run.record, deps.environment);
    if (refusal === undefined) return run;
    await run.close();
    throw new Error(refusal);
  }
  // Approved now, for the cluster it names (or the current one): its cluster steps may touch no other.
  const kubeContext = registry ? await approvedKubeContext(plan, plan.inputs, registry) : undefined;
  return deps.runs.create(
    {
      runId,
      goal: plan.goal,
      createdAt: new Date().toISOString(),
      workspace: deps.workspace,
      plan,
      inputs: {},
      allowedEnv: [],
      sessionId: deps.conversation.id,
      ...(kubeContext !== undefined ? { kubeContext } : {}),
      ...(deps.workers ? { redis: deps.workers.redis } : {}),
      state: initialRunState(runId, plan.goal, plan.steps.map((step) => step.id), plan.inputs),
    },
    owner,
  );
}

/**
 * The chat's approved plan: stored, then run by this process; events and
 * warnings go to the chat. The view is named after the run and, for a resume,
 * shows the steps done before as done (they send no events again).
 */
export async function startChatRun(
  deps: SessionRunDeps & Pick<DriveRunOptions, 'registry' | 'queryModel' | 'policy' | 'readPolicy'>,
  proposal: ProposedPlan,
  view: RunView,
  { onNotice, ...hooks }: Pick<DriveRunOptions, 'onEvent' | 'onWarning' | 'onPauseRequest'> & { readonly onNotice?: (message: string) => void },
  grant: ApprovalGrant,
  given: SecretAnswers = {},
): Promise<RunHandle> {
  const run = await openApprovedRun(deps, proposal, `ksa chat (session ${deps.conversation.id})`, grant, deps.registry, given);
  // Decided on the record as taken over: a run done here alone goes on here, as ksa resume decides it.
  const workers = proposal.resumeRunId === undefined || mayUseWorkers(run.record) ? deps.workers : undefined;
  const opened = workers ? await openWorkers(workers, run, proposal.resumeRunId !== undefined, { onNotice, ...hooks }) : undefined;
  view.runId = run.runId;
  if (proposal.resumeRunId) seedRunView(view, run.record.state);
  const mode = proposal.resumeRunId ? 'resume' : 'fresh';
  // As ksa resume gives them: the variables the run allowed, as set now (a chat's own runs allow none).
  const env = allowedEnvValues(run.record.allowedEnv, deps.environment ?? {});
  // The policy files are read again when a rollback starts: a deny rule written while the run ran holds for it.
  const policy = { policy: deps.policy, ...(deps.readPolicy ? { readPolicy: deps.readPolicy } : {}) };
  if (!opened) return driveRun({ run, registry: deps.registry, queryModel: deps.queryModel, ...policy, env, inputs: { ...given }, mode, onNotice, ...hooks });
  const handle = await driveRun({ run, registry: deps.registry, queryModel: deps.queryModel, ...policy, env, inputs: { ...given }, mode, remote: opened.remote, onNotice, ...hooks }).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  return { ...handle, done: handle.done.finally(() => opened.close().catch(() => undefined)) };
}

/**
 * The run's connection to the workers. A resume of a run stopped during a rollback first stops what is left of
 * that rollback on the workers, as `ksa resume --redis` does: it would undo a step as it runs again.
 */
export async function openWorkers(workers: RunWorkers, run: OpenRun, resumed: boolean, hooks: { onNotice?: (message: string) => void; onWarning?: (message: string) => void }): Promise<OpenedRemote> {
  const sentence = (line: string) => `${line[0]!.toUpperCase()}${line.slice(1)}.`;
  try {
    if (resumed) {
      const { said, warnings } = await workers.stopRollbacks(run.runId, run.record.state);
      for (const line of said) hooks.onNotice?.(sentence(line));
      for (const line of warnings) hooks.onWarning?.(sentence(line));
    }
    const opened = await workers.open(run.runId, run.record.plan, resumed, (line) => hooks.onWarning?.(sentence(line)));
    // Before its first job is queued, as ksa resume records it: a resumed run done here until now recorded none.
    await run.recordRedis(workers.redis).catch(async (error: unknown) => {
      await opened.close();
      throw error;
    });
    return opened;
  } catch (error) {
    await run.close();
    throw error;
  }
}

/**
 * After every outcome: the run goes into the session, then a reflection on it (the model's, or one built
 * from the run). `failure`: why the model's could not be had, in one line naming the endpoint.
 */
export async function recordRunOutcome(deps: SessionRunDeps, state: RunState): Promise<{ reflection: Reflection; fallback: boolean; failure?: string } | undefined> {
  deps.conversation.append({ kind: 'run', runId: state.runId, status: state.status });
  // The stored run, not the in-memory one: it is redacted, and it goes to the model.
  const record = await deps.runs.read(state.runId).catch(() => undefined);
  if (!record) return undefined;
  const logTails = await failedStepLogTails(deps.runs.logDir(state.runId), record, 20);
  const { reflection, fallback, error } = await reflectOnRun(
    { plan: record.plan, state: record.state, logTails, ...(record.redis ? { redis: record.redis, configuredRedis: deps.configuredRedis } : {}) },
    { model: deps.model, timeoutMs: deps.modelConfig.timeoutMs, maxRetries: deps.modelConfig.maxRetries },
  );
  deps.conversation.append({ kind: 'reflection', runId: state.runId, reflection, ...(fallback ? { fallback: true } : {}) });
  return { reflection, fallback, ...(error === undefined ? {} : { failure: toModelError(error, deps.modelConfig).message }) };
}

/** "3 succeeded, 1 failed" and the run's error: the collapsed view of a finished run. */
export function runSummaryLines(state: RunState): string[] {
  const counts = new Map<string, number>();
  for (const st of Object.values(state.steps)) counts.set(st.status, (counts.get(st.status) ?? 0) + 1);
  // The error as the run's record has it: a secret input's value is *** (the session hides the environment's).
  const secrets = createRedactor(secretInputValues(state.inputs));
  return [
    [...counts].map(([status, n]) => `${n} ${status.replace('_', ' ')}`).join(', '),
    ...(state.error && state.status !== 'succeeded' ? [errorText(secrets.text, state.error)] : []),
  ];
}

/**
 * An interrupted or paused run as a proposal (approving it resumes the run), or why it cannot be resumed.
 * What changed says what runs again and why, in `ksa resume`'s words. `workersRedis`: the Redis through which the chat
 * sends steps to workers (as RunWorkers.redis), if any; `configuredRedis`: the Redis ksa
 * cancel uses by itself (KSA_REDIS_URL or config.json's "redis"), which its hint then need not name.
 */
export async function resumeProposal(
  runs: RunStore,
  runIdOrPrefix: string | undefined,
  workersRedis?: string,
  environment: SessionRunDeps['environment'] = {},
  configuredRedis?: string,
): Promise<ProposedPlan | string> {
  try {
    const { runId, record, status, owner } = await runs.inspect(runIdOrPrefix);
    // As ksa resume decides it: a run done here alone goes on here, whatever Redis the chat has.
    const onWorkers = workersRedis !== undefined && mayUseWorkers(record);
    if (owner) return `Run ${runId} is still running in process ${owner.pid}.`;
    if (status !== 'interrupted' && status !== 'paused') return `Run ${runId} ${status === 'running' ? 'is running' : `has ${status === 'cancelled' ? 'been cancelled' : status}`}; only interrupted or paused runs can be resumed.`;
    if (cancelUnderWay(record.state)) return `Run ${runId} was being cancelled when its process stopped, so it is not resumed; finish the cancel (its rollback) with: ${runCommandHint('cancel', runId, record.redis, configuredRedis)}`;
    const otherRedis = otherRedisInChat(runId, record.redis, workersRedis);
    if (otherRedis !== undefined) return otherRedis;
    const unset = unsetEnvRefusal(runId, record, environment);
    if (unset !== undefined) return unset;
    // As ksa resume refuses it: a secret written into a step, or printed by one, was stored as *** and cannot be asked for again.
    const masked = maskedOnResume(record);
    if (masked !== undefined) return `Run ${runId} cannot be resumed: ${masked}. Nothing was run; ${record.planFile ? `ksa run ${record.planFile} starts it afresh` : 'run its plan afresh'}.`;
    const done = doneStepIds(record.state, record.plan);
    return {
      planId: `resume-${runId}`,
      plan: record.plan,
      resumeRunId: runId,
      ...(workersRedis !== undefined && !onWorkers ? { runsHere: true as const } : {}),
      fromRun: { runId, status, workspace: record.workspace, givenInputs: Object.keys(record.inputs).filter((name) => !isDeepStrictEqual(record.inputs[name], record.plan.inputs[name])), ...(record.redis ? { redis: record.redis } : {}) },
      changes: [
        `resumes run ${runId}: ${done.length ? `${done.join(', ')} already done and not run again` : 'nothing was finished yet'}`,
        // Past its count of the done steps (said above): the steps that run again, and why.
        ...resumeOutline(record.plan.steps, record.state.steps, onWorkers, legacyRollbackReading(record)).slice(1).map((line) => line.trim()),
      ].join('\n'),
    };
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * As ksa resume refuses it: a run that sent its steps to workers through a Redis the chat does not use (none, or
 * another server) would run its workers' steps in the chat's process, and again those its workers finished.
 */
function otherRedisInChat(runId: string, recorded: string | undefined, workersRedis: string | undefined): string | undefined {
  const why = otherRedisReason(runId, recorded, workersRedis, 'resume');
  return why === undefined ? undefined : `Run ${runId} ${why}. Nothing was run (a chat started with KSA_REDIS_URL naming that Redis resumes it too).`;
}

/**
 * As ksa resume refuses it: a run whose steps still to run, or the rollbacks of those done, plainly read a variable
 * its --allow-env let in that the chat's environment does not set would fail at that step, or leave it not undone.
 */
function unsetEnvRefusal(runId: string, record: Pick<RunRecord, 'plan' | 'state' | 'allowedEnv'>, environment: SessionRunDeps['environment']): string | undefined {
  const reads = unsetEnvReadsOnResume(record.plan, record.state, allowedEnvValues(record.allowedEnv, environment ?? {}));
  if (reads.length === 0) return undefined;
  const names = [...new Set(reads.map((read) => read.name))];
  const them = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `Run ${runId} cannot be resumed: ${reads.map(describeUnsetEnvRead).join('; ')}. Nothing was run; start ksa chat with ${them} set to resume it.`;
}

/**
 * An edit or revision of a /resume proposal is a new plan: approving it starts a new run in which
 * every step runs again, and the run it came from stays as it is, its finished steps not rolled
 * back. Nothing else on the card would tell, so what changed says it first.
 */
export function changedProposal(previous: ProposedPlan, next: ProposedPlan, workspace: string, configuredRedis?: string): ProposedPlan {
  const from = previous.fromRun;
  // What the previous one lost stays lost until the edit writes it back (secretsLost reads what still holds ***).
  if (previous.masked && !next.masked) next = { ...next, masked: previous.masked };
  if (!from) return next;
  // The new run is the chat's: its workspace, and the plan's own inputs.
  const where = from.workspace !== undefined && from.workspace !== workspace ? ` in ${workspace} (run ${from.runId} ran in ${from.workspace})` : '';
  const inputs = from.givenInputs && from.givenInputs.length > 0 ? `, with the plan's own ${from.givenInputs.join(', ')} (not run ${from.runId}'s)` : '';
  const note = [`not a resume any more: approving starts a new run${where}${inputs}, and every step runs again`, `run ${from.runId} stays ${from.status} (${runCommandHint('cancel', from.runId, from.redis, configuredRedis)} undoes what it did)`];
  return { ...next, fromRun: from, changes: [...note, ...(next.changes ? [next.changes] : [])].join('\n') };
}
