import { Execution, type Plan, type RunEvent, type RunState } from '../planning/index.js';
import { StepLogs } from '../store/index.js';
import { killAllProcessGroups, type ToolRegistry } from '../tools/index.js';
import { applyRunEvent, createRunView, type RunView } from '../tui/run-view-model.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIO } from './io.js';
import { createPlainProgress } from './plain-progress.js';
import { colorEnabled, createStyler } from './style.js';
import { formatSummary } from './summary.js';

export type RunSessionOptions = {
  readonly plan: Plan;
  readonly runId: string;
  readonly registry: ToolRegistry;
  readonly workspace: string;
  readonly logDir: string;
  readonly maxParallel?: number;
  readonly inputs: Record<string, unknown>;
  readonly env: Record<string, string>;
  /** NDJSON events on stdout. */
  readonly json: boolean;
  readonly resumeFrom?: RunState;
  /** Extra subscribers (the store). */
  readonly onEvent?: (event: RunEvent) => void;
  /** Last words before a hard stop (second Ctrl-C): flush what can be flushed. */
  readonly onStopNow?: () => Promise<void> | void;
};

export type RunSessionResult = { readonly state: RunState; readonly exitCode: ExitCodeValue; readonly view: RunView };

/**
 * Runs an approved plan in this process: live or plain progress on stderr,
 * NDJSON on stdout, full logs on disk. First Ctrl-C cancels and rolls back;
 * a second one kills every process tree and exits at once.
 */
export async function runSession(io: CliIO, options: RunSessionOptions): Promise<RunSessionResult> {
  const { plan } = options;
  const color = colorEnabled(io.stderr, io.env);
  const style = createStyler(color);
  const view = createRunView(
    options.runId,
    plan.goal,
    plan.steps.map((step) => ({ id: step.id, maxAttempts: step.type === 'condition' ? 1 : (step.retry?.maxAttempts ?? 1) })),
  );
  const logs = new StepLogs(options.logDir, (message) => io.stderr.write(`ksa: warning: ${message}\n`));
  const interactive = io.stderr.isTTY === true && !isCI(io.env);
  // Ink and React load only for a terminal: plain runs and other commands start faster.
  const live = interactive ? (await import('./live-progress.js')).createLiveProgress(view, io.stderr, color) : undefined;
  const plain = interactive ? undefined : createPlainProgress((line) => io.stderr.write(`${line}\n`), style, { showOutput: !options.json });

  const onEvent = (event: RunEvent) => {
    if (options.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    logs.onEvent(event);
    options.onEvent?.(event);
    if (live) live.onEvent(event);
    else {
      applyRunEvent(view, event);
      plain!(event);
    }
  };

  const execution = new Execution({
    plan,
    runId: options.runId,
    invokeTool: (call) => options.registry.invoke(call, { workspace: options.workspace }),
    maxParallel: options.maxParallel,
    inputs: options.inputs,
    env: options.env,
    onEvent,
    resumeFrom: options.resumeFrom,
  });

  const startedMs = Date.now();
  let signalExit: ExitCodeValue | undefined;
  let interrupts = 0;
  const stopNow = (code: ExitCodeValue) => {
    killAllProcessGroups('SIGKILL');
    // Consumers of --json still learn how the run ended.
    if (options.json) {
      const ended = { type: 'run_finished', runId: options.runId, ts: new Date().toISOString(), status: 'interrupted', durationMs: Date.now() - startedMs, error: 'stopped at once (second interrupt); rollback did not run' };
      io.stdout.write(`${JSON.stringify(ended)}\n`);
    }
    io.stderr.write(`\nksa: stopped at once; rollback did not run. Run ${options.runId} may have left work behind.\n`);
    void Promise.resolve(options.onStopNow?.()).finally(() => process.exit(code));
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

  let state: RunState;
  try {
    state = await execution.start();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    await live?.stop();
    await logs.close();
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
