import { errorMessage, Execution, stepWeights, type DurationStats, type ExecutionOptions, type InvokeTool, type Plan, type QueryModel, type RunEvent, type RunState } from '../planning/index.js';
import { olderRunContainers } from './older-run-containers.js';
import { readContainers, readProcessGroups, recordContainers, REDACTED, redactEvent, recordProcessGroups, secretInputValues, stepDurationKeys, StepDurations, StepLogs, type StepDurationKeys, watchCancelRequest, watchPauseRequest, type OpenRun } from '../store/index.js';
import { clearLeftovers, commandLineOf, guardKubeContext, killAllProcessGroups, onContainersChanged, onProcessGroupsChanged, removeStoppedContainers, riskOptions, trackedContainers, type StartedContainer, type ToolRegistry } from '../tools/index.js';
import { deniedRollbacks, EMPTY_POLICY, renderedCallCheck, type Policy } from '../policy/rules/index.js';
import { KsaError } from '../planning/ksa-error.js';
import { maskingPrivateKeyLines } from '../planning/private-key-lines.js';
import { withSettingsGuard } from './settings-guard.js';

export type RunMode = 'fresh' | 'resume' | 'rollback';

export type DriveRunOptions = {
  /** The stored run this process owns (created or opened, and locked). */
  readonly run: OpenRun;
  readonly registry: ToolRegistry;
  /** 'resume' continues the stored state; 'rollback' cancels at once and undoes what it says succeeded. */
  readonly mode: RunMode;
  /** The allow-listed environment for `env.NAME` in expressions. */
  readonly env?: Record<string, string>;
  /** Inputs given now; they win over the stored ones. */
  readonly inputs?: Record<string, unknown>;
  readonly maxParallel?: number;
  readonly queryModel?: QueryModel;
  /** Every event, in order; run_finished comes only once the final state is on disk. */
  readonly onEvent?: (event: RunEvent) => void;
  readonly onWarning?: (message: string) => void;
  /** The run's own news that is no step's output (Redis stopped answering the workers' queues, answers again). */
  readonly onNotice?: (message: string) => void;
  /**
   * The permission policy: its deny rules also hold for commands built at run time from steps' outputs, and
   * its ask rules when no one was asked; they are also rated again (a destroy command needs a run approved for destroy steps).
   */
  readonly policy?: Policy;
  /**
   * Reads the policy files again, as they are now: done when the run's rollback starts, so a deny rule written
   * while the run ran holds for its rollback commands. Without it: `policy`.
   */
  readonly readPolicy?: () => Promise<Policy>;
  /** Told when a cancel request came from another terminal (`ksa cancel`). */
  readonly onCancelRequest?: () => void;
  /** Told when `ksa pause` / `ksa resume` from another terminal paused (true) or resumed (false) the run. */
  readonly onPauseRequest?: (paused: boolean) => void;
  /** Workers (`--redis`): which steps run remotely, and the invoker that sends them (given the local one). */
  readonly remote?: {
    readonly placeStep: NonNullable<ExecutionOptions['placeStep']>;
    /**
     * `pin.kubeContext`: the context the run was approved for, which a worker holds its cluster steps to;
     * `pin.secrets`: values the worker must write as *** (the run's secret inputs, this machine's secret variables);
     * `pin.keyLineDigests`: the lines of the keys typed into the plan, known there by the digests the record keeps.
     */
    readonly invoker: (local: InvokeTool, pin: { readonly kubeContext?: string; readonly secrets?: readonly string[]; readonly keyLineDigests?: readonly string[] }, note: (message: string) => void) => InvokeTool;
  };
};

export type RunHandle = {
  readonly runId: string;
  /** The Redis it sends steps to workers through, as recorded: ksa resume and ksa cancel of it need its --redis. */
  readonly redis?: string;
  readonly execution: Execution;
  readonly logDir: string;
  /** Each step's learned duration (steps without history are missing). */
  readonly expected: ReadonlyMap<string, DurationStats>;
  /** Resolves with the final state once the run's files are written and its lock released. */
  readonly done: Promise<RunState>;
  /** Once done: why run.json could not be written with the final state (it holds the last state that could be). */
  readonly unsaved: () => string | undefined;
  /**
   * Kills every process tree now, records the run as interrupted (resumable) and releases it; `'paused'` records
   * it paused instead, as a paused run is left when its process ends (ksa resume continues either).
   */
  stopNow(as?: 'interrupted' | 'paused'): Promise<void>;
};

const CANCEL_REASON = 'cancelled with ksa cancel';
const AFTER_INTERRUPT = `${CANCEL_REASON} after the run was interrupted`;
const HAD_FAILED = `${AFTER_INTERRUPT}; it had failed: `;

/**
 * Why an interrupted run that `ksa cancel` rolls back ended, with why it had failed; said once when an earlier
 * cancel of it was itself killed (its error already says it).
 */
export function cancelAfterInterruptReason(failure: string | undefined): string {
  let why = failure;
  while (why?.startsWith(HAD_FAILED)) why = why.slice(HAD_FAILED.length);
  return why && why !== AFTER_INTERRUPT ? `${HAD_FAILED}${why}` : AFTER_INTERRUPT;
}

/**
 * Runs a stored plan in this process, without any UI: the executor's events
 * keep the run file, the step logs and the record of running process groups
 * current; `ksa cancel` from elsewhere is honoured from the moment the run is
 * taken. The CLI and the chat TUI both drive runs through this.
 */
export async function driveRun(options: DriveRunOptions): Promise<RunHandle> {
  const { run } = options;
  const warn = options.onWarning ?? (() => {});
  let execution: Execution | undefined;
  let cancelRequested = false;
  // Watch first: a cancel that arrives while leftovers of a crash are being stopped must not be lost.
  const stopWatching = watchCancelRequest(run.dir, () => {
    cancelRequested = true;
    options.onCancelRequest?.();
    execution?.cancel(CANCEL_REASON);
  }, undefined, warn);

  // `ksa pause` / `ksa resume` from elsewhere; a request before the run starts is applied when it does.
  let pauseRequested: boolean | undefined;
  const applyPause = (paused: boolean) => {
    if (paused) execution?.pause();
    else execution?.resume();
  };
  const stopWatchingPause = watchPauseRequest(run.dir, (paused) => {
    pauseRequested = paused;
    options.onPauseRequest?.(paused);
    applyPause(paused);
  });

  // The run's redactor also knows its secret inputs (`--input dbPassword=…`).
  const redactor = run.redactor.with(secretInputValues(options.inputs ?? {}));
  const continuing = options.mode !== 'fresh';
  // Containers of an earlier owner that could not be removed (their engine down): kept in the record, for the next try.
  let notRemoved: readonly StartedContainer[] = [];
  if (continuing) {
    // After a kill -9 the steps that were running may still be, and their containers: cleared before anything runs again.
    const news = { done: (_what: string, _count: number, text: string) => warn(text), warn };
    // An older ksa's run recorded none: its steps' containers are found by the names they gave.
    const older = await olderRunContainers(run.record, run.olderFormat);
    if (older.warning !== undefined) warn(older.warning);
    const recorded = await readContainers(run.dir, warn);
    const containers = [...recorded, ...older.containers.filter((found) => !recorded.some((container) => container.id === found.id))];
    // A leftover's command line holds the step's arguments as run, secret inputs in clear: shown masked.
    notRemoved = await clearLeftovers(await readProcessGroups(run.dir, warn), containers, 'the interrupted run', news, (pid) => { const line = commandLineOf(pid); return line === undefined ? undefined : redactor.text(line); });
    recordContainers(run.dir, notRemoved);
  }
  const logs = new StepLogs(run.logDir, warn, redactor);
  // A prompt is templated from inputs and outputs: what it says of secrets stays here.
  const queryModel: QueryModel | undefined = options.queryModel && ((query) => options.queryModel!({ ...query, prompt: redactor.text(query.prompt) }));
  // Learned durations weigh the critical path; this run's are added when it ends.
  const durations = new StepDurations(run.home, warn);
  const plan = run.record.plan;
  const runInputs = { ...run.record.inputs, ...options.inputs };
  const expected = await durations.statsFor(plan, runInputs).catch(() => new Map<string, DurationStats>());
  const weight = stepWeights(plan, expected);
  const succeeded: { stepId: string; durationMs: number }[] = [];
  const learned = (): { keys: StepDurationKeys; durationMs: number }[] => {
    const byId = new Map(plan.steps.map((step) => [step.id, step]));
    return succeeded.map(({ stepId, durationMs }) => ({ keys: stepDurationKeys(plan, byId.get(stepId)!, runInputs), durationMs }));
  };
  let record: (event: RunEvent) => void = () => {};
  const local: InvokeTool = (call) => options.registry.invoke(call, { workspace: run.record.workspace });
  // A local cluster step may touch only the context the plan was approved for.
  const approved = run.record.kubeContext;
  const pinned = approved !== undefined ? guardKubeContext(local, { tools: options.registry, approved }) : local;
  const guarded = withSettingsGuard(pinned, { plan, workspace: run.record.workspace, home: run.home, risk: riskOptions(options.registry) });
  // A worker knows the lines of the keys typed into the plan by their digests only: a step printing them there (`sed
  // -n 2,4p id_rsa`) holds no secret of its job's, and its lines go to Redis.
  const pin = { ...(approved !== undefined ? { kubeContext: approved } : {}), secrets: redactor.secrets, keyLineDigests: run.record.keyLineDigests ?? [] };
  const policed = withPolicy(options.remote ? options.remote.invoker(guarded, pin, options.onNotice ?? warn) : guarded, options, plan, runInputs);
  // Masked before any event carries them: every line of a key is hidden, not only its header, wherever it is shown or kept.
  const invokeTool = maskingPrivateKeyLines(policed, REDACTED);
  let finished: Promise<void> = Promise.resolve();
  let keepAlive: NodeJS.Timeout | undefined;
  execution = new Execution({
    plan,
    runId: run.runId,
    ...(weight ? { stepWeight: (step) => weight(step.id) } : {}),
    invokeTool,
    ...(options.remote ? { placeStep: options.remote.placeStep } : {}),
    queryModel,
    maxParallel: options.maxParallel ?? run.record.maxParallel,
    inputs: runInputs,
    env: options.env ?? {},
    resumeFrom: continuing ? run.record.state : undefined,
    resumeFor: options.mode === 'rollback' ? 'rollback' : 'run',
    commitSuccess: (stepId) => run.commitSuccess(stepId),
    onEvent: (event) => {
      // A paused run with nothing running has no pending work: keep the process alive for `p` / `ksa resume`.
      if (event.type === 'run_paused') keepAlive ??= setInterval(() => {}, 60_000);
      else if ((event.type === 'run_resumed' || event.type === 'run_finished') && keepAlive) {
        clearInterval(keepAlive);
        keepAlive = undefined;
      }
      if (event.type === 'step_succeeded') succeeded.push({ stepId: event.stepId, durationMs: event.durationMs });
      logs.onEvent(event);
      record(event);
      const shown = redactEvent(event, redactor);
      if (event.type !== 'run_finished') return options.onEvent?.(shown);
      // Whoever hears run_finished may act on it (or be killed right after): the final state must be on disk first.
      finished = run.flush().then(
        () => options.onEvent?.(shown),
        () => options.onEvent?.(shown),
      );
    },
  });
  record = run.attach(execution);
  const stopRecording = onProcessGroupsChanged((groups) => recordProcessGroups(run.dir, groups));
  const stopRecordingContainers = onContainersChanged((containers) => recordContainers(run.dir, [...notRemoved, ...containers]));

  // Set by stopNow: the containers it could not remove, once it has tried (the run is released only then).
  let stoppedContainers: Promise<readonly StartedContainer[]> | undefined;
  let releasing: Promise<void> | undefined;
  let unsaved: string | undefined;
  const release = () =>
    (releasing ??= (async () => {
      stopRecording();
      recordProcessGroups(run.dir, []);
      // What a stop at once could not remove stays recorded for resume and cancel.
      const containersLeft = (await stoppedContainers) ?? [];
      stopRecordingContainers();
      recordContainers(run.dir, [...notRemoved, ...containersLeft]);
      stopWatching();
      stopWatchingPause();
      await durations.record(learned()).catch((error: unknown) => warn(`could not record step durations: ${(error as Error).message}`));
      await logs.close();
      await run.close().catch((error: unknown) => {
        unsaved = (error as Error).message;
        warn(`could not save run ${run.runId}: ${unsaved}`);
      });
    })());

  // A run that died while it was failing keeps saying why it failed.
  const failure = run.record.state.failedStepId !== undefined ? run.record.state.error : undefined;
  if (options.mode === 'rollback') execution.cancel(cancelAfterInterruptReason(failure));
  else if (cancelRequested) execution.cancel(CANCEL_REASON);
  const started = execution;
  const done = started.start().then(async (state) => {
    await finished;
    await release();
    return state;
  });
  if (pauseRequested !== undefined) applyPause(pauseRequested);
  return {
    runId: run.runId,
    ...(run.record.redis ? { redis: run.record.redis } : {}),
    execution: started,
    logDir: run.logDir,
    expected,
    done,
    unsaved: () => unsaved,
    async stopNow(as = 'interrupted') {
      started.halt(undefined, as);
      // The steps' own clean-up must not drop a container from the record before it is gone.
      stopRecordingContainers();
      const containers = trackedContainers();
      killAllProcessGroups('SIGKILL');
      stoppedContainers ??= removeStoppedContainers(containers, { done: (_what, _count, text) => warn(text), warn });
      await finished;
      await release();
    },
  };
}

/**
 * A call refused just before it runs: built from a step's output and denied by the policy, held by an ask rule
 * or destroying unapproved; or a rollback the policy denies now, in a run rolled back by ksa cancel.
 */
export class RenderedCallDeniedError extends KsaError {
  constructor(message: string) {
    super({ name: 'RenderedCallDeniedError', message });
  }
}

/**
 * Every call (here or on a worker) whose command was built at run time is checked first: against the
 * deny rules, and against what the run's latest approval allowed (destroy steps or not; the ask rules
 * when the approval mode let the run through without a question).
 */
function withPolicy(invoke: InvokeTool, options: DriveRunOptions, plan: Plan, inputs: Readonly<Record<string, unknown>>): InvokeTool {
  const approval = options.run.record.approvals.at(-1);
  const allowDestroy = approval?.allowDestroy === true;
  // A cancel's rollback was asked for (y or --yes) by the cancel itself, which is not recorded as an approval.
  const asked = options.mode === 'rollback' || (approval !== undefined && approval.approvedBy !== 'policy');
  // Scripts named by their absolute path are the plan's files of the run's workspace, as at approval.
  const risk = riskOptions(options.registry, process.env, options.run.record.workspace);
  const check = renderedCallCheck(plan, options.policy ?? EMPTY_POLICY, risk, inputs, { allowDestroy, asked });
  // A rollback meets the policy as it is when the rollback starts: rolled back in a later process (ksa cancel), as
  // just read; in the run's own process, as the files say then (readPolicy), as a resume would.
  let denied: Promise<(stepId: string) => string | undefined> | undefined;
  const deniedNow = () => (denied ??= rollbackDenials(plan, options, risk, inputs));
  const judged = options.mode === 'rollback' || options.readPolicy !== undefined;
  return async (call) => {
    const why = judged && call.phase === 'rollback' ? (await deniedNow())(call.stepId) : undefined;
    if (why) throw new RenderedCallDeniedError(why);
    const refusal = await check(call);
    if (refusal) throw new RenderedCallDeniedError(refusal);
    return invoke(call);
  };
}

/** Why a step's rollback is refused now, in one line; every one is when the policy files cannot be read (rules that cannot be read are never no rules). */
async function rollbackDenials(plan: Plan, options: DriveRunOptions, risk: ReturnType<typeof riskOptions>, inputs: Readonly<Record<string, unknown>>): Promise<(stepId: string) => string | undefined> {
  let policy: Policy;
  try {
    policy = options.mode !== 'rollback' && options.readPolicy ? await options.readPolicy() : (options.policy ?? EMPTY_POLICY);
  } catch (error) {
    const why = errorMessage(error);
    return (stepId) => `step ${stepId}'s rollback was not run: the permission policy cannot be read now (${why}), so ${stepId} is not rolled back; fix the file, then undo the step by hand`;
  }
  const denied = await deniedRollbacks(plan, policy, risk, inputs);
  return (stepId) => {
    const why = denied.get(stepId);
    return why === undefined ? undefined : `step ${stepId}: ${why}; the permission policy forbids it now, so it was not run and ${stepId} is not rolled back`;
  };
}
