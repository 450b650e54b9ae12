import { Execution, type QueryModel, type RunEvent, type RunState } from '../planning/index.js';
import { readProcessGroups, recordProcessGroups, StepLogs, watchCancelRequest, type OpenRun, type Redactor } from '../store/index.js';
import { killAllProcessGroups, onProcessGroupsChanged, terminateProcessGroups, type ToolRegistry } from '../tools/index.js';
import { applyRunEvent, createRunView, seedRunView, type RunView } from '../tui/run-view-model.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIO } from './io.js';
import { createPlainProgress } from './plain-progress.js';
import { colorEnabled, createStyler } from './style.js';
import { formatSummary } from './summary.js';

export type RunSessionOptions = {
  /** The stored run this process owns: its plan, inputs and (on resume) state. */
  readonly run: OpenRun;
  readonly registry: ToolRegistry;
  /** The allow-listed environment for `env.NAME` in expressions. */
  readonly env: Record<string, string>;
  /** Inputs given on this command line (they win over the stored ones). */
  readonly inputs: Record<string, unknown>;
  readonly maxParallel?: number;
  /** NDJSON events on stdout. */
  readonly json: boolean;
  /** Continue the stored state instead of starting afresh. */
  readonly resume: boolean;
  /** Cancel at once: roll back what the stored state says succeeded (ksa cancel of an interrupted run). */
  readonly rollbackOnly?: boolean;
  readonly redactor: Redactor;
  /** Answers llm_query steps (the configured model). */
  readonly queryModel?: QueryModel;
};

export type RunSessionResult = { readonly state: RunState; readonly exitCode: ExitCodeValue; readonly view: RunView };

/**
 * Runs an approved plan in this process: live or plain progress on stderr,
 * NDJSON on stdout, full logs and the run's state on disk. First Ctrl-C (or
 * `ksa cancel` from another terminal) cancels and rolls back; a second Ctrl-C
 * kills every process tree, records the run as interrupted and exits at once.
 */
export async function runSession(io: CliIO, options: RunSessionOptions): Promise<RunSessionResult> {
  const { run } = options;
  const { plan } = run.record;
  const color = colorEnabled(io.stderr, io.env);
  const style = createStyler(color);
  const view = createRunView(
    run.runId,
    plan.goal,
    plan.steps.map((step) => ({ id: step.id, maxAttempts: step.type === 'condition' ? 1 : (step.retry?.maxAttempts ?? 1) })),
  );
  const warn = (message: string) => io.stderr.write(`ksa: warning: ${message}\n`);
  const continuing = options.resume || options.rollbackOnly === true;
  if (continuing) {
    seedRunView(view, run.record.state);
    // After a kill -9 the steps that were running may still be: stop them before anything runs again.
    const leftover = await terminateProcessGroups(await readProcessGroups(run.dir));
    if (leftover > 0) io.stderr.write(`ksa: stopped ${leftover} process group${leftover === 1 ? '' : 's'} left running by the interrupted run\n`);
  }
  const logs = new StepLogs(run.logDir, warn, options.redactor);
  const interactive = io.stderr.isTTY === true && !isCI(io.env);
  // Ink and React load only for a terminal: plain runs and other commands start faster.
  const live = interactive ? (await import('./live-progress.js')).createLiveProgress(view, io.stderr, color) : undefined;
  const plain = interactive ? undefined : createPlainProgress((line) => io.stderr.write(`${line}\n`), style, { showOutput: !options.json });

  const execution = new Execution({
    plan,
    runId: run.runId,
    invokeTool: (call) => options.registry.invoke(call, { workspace: run.record.workspace }),
    queryModel: options.queryModel,
    maxParallel: options.maxParallel ?? run.record.maxParallel,
    inputs: { ...run.record.inputs, ...options.inputs },
    env: options.env,
    resumeFrom: continuing ? run.record.state : undefined,
    onEvent: (event) => onEvent(event),
  });
  const record = run.attach(execution);
  const onEvent = (event: RunEvent) => {
    if (options.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    logs.onEvent(event);
    record(event);
    if (live) live.onEvent(event);
    else {
      applyRunEvent(view, event);
      plain!(event);
    }
  };

  const startedMs = Date.now();
  let signalExit: ExitCodeValue | undefined;
  let interrupts = 0;
  const stopNow = (code: ExitCodeValue) => {
    killAllProcessGroups('SIGKILL');
    // Consumers of --json still learn how the run ended.
    if (options.json) {
      const ended = { type: 'run_finished', runId: run.runId, ts: new Date().toISOString(), status: 'interrupted', durationMs: Date.now() - startedMs, error: 'stopped at once (second interrupt); rollback did not run' };
      io.stdout.write(`${JSON.stringify(ended)}\n`);
    }
    io.stderr.write(`\nksa: stopped at once; rollback did not run. Continue with: ksa resume ${run.runId}, or undo with: ksa cancel ${run.runId}\n`);
    run.setStatus('interrupted');
    void Promise.all([run.close(), logs.close()])
      .catch(() => {})
      .finally(() => process.exit(code));
  };
  const onSignal = (code: ExitCodeValue, name: string) => () => {
    interrupts++;
    signalExit ??= code;
    if (interrupts > 1) return stopNow(code);
    io.stderr.write(`\nksa: ${name}: cancelling, aborting running steps and rolling back (press Ctrl-C again to stop at once)\n`);
    execution.cancel(name === 'SIGINT' ? 'interrupted by the user (Ctrl-C)' : 'terminated (SIGTERM)');
  };
  const onSigint = onSignal(ExitCode.interrupted, 'SIGINT');
  const onSigterm = onSignal(ExitCode.terminated, 'SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const stopWatching = watchCancelRequest(run.dir, () => {
    signalExit ??= ExitCode.interrupted;
    io.stderr.write(`\nksa: cancel requested from another terminal (ksa cancel): aborting running steps and rolling back\n`);
    execution.cancel('cancelled with ksa cancel');
  });

  const stopRecording = onProcessGroupsChanged((groups) => recordProcessGroups(run.dir, groups));
  let state: RunState;
  try {
    if (options.rollbackOnly) execution.cancel('cancelled with ksa cancel after the run was interrupted');
    state = await execution.start();
  } finally {
    stopRecording();
    recordProcessGroups(run.dir, []);
    stopWatching();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await live?.stop();
    await logs.close();
    await run.close().catch((error: unknown) => warn(`could not save run ${run.runId}: ${(error as Error).message}`));
  }

  for (const line of formatSummary(view, style, { logDir: logs.dir })) io.stderr.write(`${line}\n`);
  return { state, view, exitCode: exitCodeFor(state, signalExit) };
}

export function exitCodeFor(state: RunState, signalExit: ExitCodeValue | undefined): ExitCodeValue {
  if (state.status === 'succeeded') return ExitCode.ok;
  if (signalExit !== undefined) return signalExit;
  if (state.status === 'cancelled') return ExitCode.interrupted;
  return ExitCode.runFailed;
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
}
