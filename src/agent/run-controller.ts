import { Execution, type QueryModel, type RunEvent, type RunState } from '../planning/index.js';
import { readProcessGroups, recordProcessGroups, StepLogs, watchCancelRequest, type OpenRun, type Redactor } from '../store/index.js';
import { killAllProcessGroups, onProcessGroupsChanged, terminateProcessGroups, type ToolRegistry } from '../tools/index.js';

export type RunMode = 'fresh' | 'resume' | 'rollback';

export type DriveRunOptions = {
  /** The stored run this process owns (created or opened, and locked). */
  readonly run: OpenRun;
  readonly registry: ToolRegistry;
  readonly redactor: Redactor;
  /** 'resume' continues the stored state; 'rollback' cancels at once and undoes what it says succeeded. */
  readonly mode: RunMode;
  /** The allow-listed environment for `env.NAME` in expressions. */
  readonly env?: Record<string, string>;
  /** Inputs given now; they win over the stored ones. */
  readonly inputs?: Record<string, unknown>;
  readonly maxParallel?: number;
  readonly queryModel?: QueryModel;
  readonly onEvent?: (event: RunEvent) => void;
  readonly onWarning?: (message: string) => void;
  /** Told when a cancel request came from another terminal (`ksa cancel`). */
  readonly onCancelRequest?: () => void;
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

/**
 * Runs a stored plan in this process, without any UI: the executor's events
 * keep the run file, the step logs and the record of running process groups
 * current; `ksa cancel` from elsewhere is honoured. The CLI and the chat TUI
 * both drive runs through this.
 */
export async function driveRun(options: DriveRunOptions): Promise<RunHandle> {
  const { run } = options;
  const warn = options.onWarning ?? (() => {});
  const continuing = options.mode !== 'fresh';
  if (continuing) {
    // After a kill -9 the steps that were running may still be: stop them before anything runs again.
    const leftover = await terminateProcessGroups(await readProcessGroups(run.dir));
    if (leftover > 0) warn(`stopped ${leftover} process group${leftover === 1 ? '' : 's'} left running by the interrupted run`);
  }
  const logs = new StepLogs(run.logDir, warn, options.redactor);
  let record: (event: RunEvent) => void = () => {};
  const execution = new Execution({
    plan: run.record.plan,
    runId: run.runId,
    invokeTool: (call) => options.registry.invoke(call, { workspace: run.record.workspace }),
    queryModel: options.queryModel,
    maxParallel: options.maxParallel ?? run.record.maxParallel,
    inputs: { ...run.record.inputs, ...options.inputs },
    env: options.env ?? {},
    resumeFrom: continuing ? run.record.state : undefined,
    onEvent: (event) => {
      logs.onEvent(event);
      record(event);
      options.onEvent?.(event);
    },
  });
  record = run.attach(execution);

  const stopRecording = onProcessGroupsChanged((groups) => recordProcessGroups(run.dir, groups));
  const stopWatching = watchCancelRequest(run.dir, () => {
    options.onCancelRequest?.();
    execution.cancel('cancelled with ksa cancel');
  });
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    stopRecording();
    recordProcessGroups(run.dir, []);
    stopWatching();
    await logs.close();
    await run.close().catch((error: unknown) => warn(`could not save run ${run.runId}: ${(error as Error).message}`));
  };

  if (options.mode === 'rollback') execution.cancel('cancelled with ksa cancel after the run was interrupted');
  const done = execution.start().finally(release);
  return {
    runId: run.runId,
    execution,
    logDir: run.logDir,
    done,
    async stopNow() {
      execution.halt();
      killAllProcessGroups('SIGKILL');
      await release();
    },
  };
}
