import { Execution, type ExecutionOptions, type InvokeTool, type QueryModel, type RunEvent, type RunState } from '../planning/index.js';
import { readProcessGroups, recordProcessGroups, secretInputValues, StepLogs, watchCancelRequest, type OpenRun } from '../store/index.js';
import { killAllProcessGroups, onProcessGroupsChanged, terminateProcessGroups, type ToolRegistry } from '../tools/index.js';

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
  /** Told when a cancel request came from another terminal (`ksa cancel`). */
  readonly onCancelRequest?: () => void;
  /** Workers (`--redis`): which steps run remotely, and the invoker that sends them (given the local one). */
  readonly remote?: { readonly placeStep: NonNullable<ExecutionOptions['placeStep']>; readonly invoker: (local: InvokeTool) => InvokeTool };
};

export type RunHandle = {
  readonly runId: string;
  readonly execution: Execution;
  readonly logDir: string;
  /** Resolves with the final state once the run's files are written and its lock released. */
  readonly done: Promise<RunState>;
  /** Kills every process tree now, records the run as interrupted (resumable) and releases it. */
  stopNow(): Promise<void>;
};

const CANCEL_REASON = 'cancelled with ksa cancel';

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
  });

  const continuing = options.mode !== 'fresh';
  if (continuing) {
    // After a kill -9 the steps that were running may still be: stop them before anything runs again.
    const leftover = await terminateProcessGroups(await readProcessGroups(run.dir, warn));
    if (leftover > 0) warn(`stopped ${leftover} process group${leftover === 1 ? '' : 's'} left running by the interrupted run`);
  }
  // The run's redactor also knows its secret inputs (`--input dbPassword=…`).
  const logs = new StepLogs(run.logDir, warn, run.redactor.with(secretInputValues(options.inputs ?? {})));
  let record: (event: RunEvent) => void = () => {};
  const local: InvokeTool = (call) => options.registry.invoke(call, { workspace: run.record.workspace });
  let finished: Promise<void> = Promise.resolve();
  execution = new Execution({
    plan: run.record.plan,
    runId: run.runId,
    invokeTool: options.remote ? options.remote.invoker(local) : local,
    ...(options.remote ? { placeStep: options.remote.placeStep } : {}),
    queryModel: options.queryModel,
    maxParallel: options.maxParallel ?? run.record.maxParallel,
    inputs: { ...run.record.inputs, ...options.inputs },
    env: options.env ?? {},
    resumeFrom: continuing ? run.record.state : undefined,
    commitSuccess: (stepId) => run.commitSuccess(stepId),
    onEvent: (event) => {
      logs.onEvent(event);
      record(event);
      if (event.type !== 'run_finished') return options.onEvent?.(event);
      // Whoever hears run_finished may act on it (or be killed right after): the final state must be on disk first.
      finished = run.flush().then(
        () => options.onEvent?.(event),
        () => options.onEvent?.(event),
      );
    },
  });
  record = run.attach(execution);
  const stopRecording = onProcessGroupsChanged((groups) => recordProcessGroups(run.dir, groups));

  let releasing: Promise<void> | undefined;
  const release = () =>
    (releasing ??= (async () => {
      stopRecording();
      recordProcessGroups(run.dir, []);
      stopWatching();
      await logs.close();
      await run.close().catch((error: unknown) => warn(`could not save run ${run.runId}: ${(error as Error).message}`));
    })());

  if (options.mode === 'rollback') execution.cancel('cancelled with ksa cancel after the run was interrupted');
  else if (cancelRequested) execution.cancel(CANCEL_REASON);
  const started = execution;
  const done = started.start().then(async (state) => {
    await finished;
    await release();
    return state;
  });
  return {
    runId: run.runId,
    execution: started,
    logDir: run.logDir,
    done,
    async stopNow() {
      started.halt();
      killAllProcessGroups('SIGKILL');
      await finished;
      await release();
    },
  };
}
