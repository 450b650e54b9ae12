// The run controller alone, not the agent's index: plain runs do not load the model SDK.
import { driveRun, type DriveRunOptions, type RunMode } from '../agent/run-controller.js';
import type { QueryModel, RunEvent, RunState } from '../planning/index.js';
import { secretInputValues, type OpenRun } from '../store/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { applyRunEvent, createRunView, seedRunView, type RunView } from '../tui/run-view-model.js';
import { isCI } from './ci.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIO } from './io.js';
import { visible } from '../tui/visible-text.js';
import { createPlainProgress } from './plain-progress.js';
import { outputGate } from './output-gate.js';
import { colorEnabled, createStyler } from '../tui/style.js';
import { formatSummary } from './summary.js';
import { runCommandHint } from '../workers/redis-url.js';

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
  readonly mode: RunMode;
  /** Answers llm_query steps (the configured model). */
  readonly queryModel?: QueryModel;
  /** Workers (`--redis`). */
  readonly remote?: DriveRunOptions['remote'];
  /** Its deny rules also hold for commands built at run time. */
  readonly policy?: DriveRunOptions['policy'];
  /** Reads the policy files again when the run's rollback starts: a deny rule written meanwhile holds for it. */
  readonly readPolicy?: DriveRunOptions['readPolicy'];
};

export type RunSessionResult = { readonly state: RunState; readonly exitCode: ExitCodeValue; readonly view: RunView };

/**
 * Runs an approved plan in this process with terminal output: live or plain
 * progress on stderr, NDJSON on stdout, a summary at the end. First Ctrl-C
 * (or `ksa cancel` from another terminal) cancels and rolls back; a second
 * Ctrl-C kills every process tree, records the run as interrupted and exits.
 */
export async function runSession(io: CliIO, options: RunSessionOptions): Promise<RunSessionResult> {
  const { run } = options;
  const { plan } = run.record;
  const color = colorEnabled(io.stderr, io.env);
  const style = createStyler(color);
  const view = createRunView(run.runId, plan);
  // The goal is the user's text, shown in the summary: its secrets hidden as everywhere the run is written or shown.
  view.goal = run.redactor.with(secretInputValues(options.inputs)).text(plan.goal);
  if (options.mode !== 'fresh') seedRunView(view, run.record.state, { keepEnded: options.mode === 'rollback' });
  // TERM=dumb (Emacs' shell, some log viewers): a terminal that cannot move its cursor gets the plain lines.
  const interactive = io.stderr.isTTY === true && !isCI(io.env) && io.env.TERM !== 'dumb';
  // Ink and React load only for a terminal: plain runs and other commands start faster.
  // Keys (p pauses, Ctrl-C cancels) when there is a keyboard; they act on the run once it is driven.
  const control: { togglePause?: () => void; interrupt?: () => void } = {};
  const keys = io.stdin.isTTY === true ? { togglePause: () => control.togglePause?.(), interrupt: () => control.interrupt?.() } : undefined;
  const live = interactive ? (await import('./live-progress.js')).createLiveProgress(view, io.stderr, color, keys, keys ? (io.stdin as NodeJS.ReadStream) : undefined) : undefined;
  // Lines said while the live view is up go above it: written past it, they would be erased with its frame.
  const say = (line: string): void => (live ? live.say(line) : void io.stderr.write(`${line}\n`));
  // A notice stands apart from the progress lines: above the live view it is on a line of its own already.
  const notice = (line: string) => say(live ? line : `\n${line}`);
  // What ksa cleaned up after an interrupted run is news, not a warning.
  const warn = (message: string) => say(`ksa: ${/^(stopped|removed) /.test(message) ? '' : 'warning: '}${visible(message)}`);
  const toStderr = outputGate(io.stderr, (skipped) => `${style.dim(`… ${skipped} output ${skipped === 1 ? 'line' : 'lines'} not shown: this output's reader was slower than the steps (every line is in the run's step logs)`)}\n`);
  const toStdout = outputGate(io.stdout, (skipped) => `${JSON.stringify({ type: 'output_skipped', runId: run.runId, ts: new Date().toISOString(), lines: skipped })}\n`);
  const plain = interactive ? undefined : createPlainProgress((line, stepOutput = false) => toStderr(`${line}\n`, stepOutput), style, { showOutput: !options.json, rollingBack: options.mode === 'rollback' });

  let signalExit: ExitCodeValue | undefined;
  const handle = await driveRun({
    run,
    registry: options.registry,
    mode: options.mode,
    env: options.env,
    inputs: options.inputs,
    maxParallel: options.maxParallel,
    queryModel: options.queryModel,
    remote: options.remote,
    policy: options.policy,
    ...(options.readPolicy ? { readPolicy: options.readPolicy } : {}),
    onWarning: warn,
    onNotice: (message) => say(`ksa: ${visible(message)}`),
    // The exit code follows what the run became: a cancel that reaches a failed run's rollback leaves it failed (1).
    onCancelRequest: () => {
      notice(`ksa: cancel requested from another terminal (ksa cancel): aborting running steps and rolling back`);
    },
    onPauseRequest: (paused) => {
      if (!live) io.stderr.write(`ksa: ${paused ? 'pause' : 'resume'} requested from another terminal (ksa ${paused ? 'pause' : 'resume'})\n`);
    },
    onEvent: (event: RunEvent) => {
      if (options.json) toStdout(`${JSON.stringify(event)}\n`, event.type === 'step_output');
      applyRunEvent(view, event);
      if (live) live.redraw();
      else plain!(event);
    },
  });

  if (handle.expected.size > 0) view.estimates = { plan, stats: handle.expected, maxParallel: options.maxParallel ?? run.record.maxParallel };
  let interrupts = 0;
  const stopNow = (code: ExitCodeValue) => {
    // halt() (the first thing stopNow does) says whether a rollback was cut short.
    const stopping = handle.stopNow();
    // Its jobs are in that Redis: without --redis, resume and cancel refuse the run.
    const [resume, cancel] = (['resume', 'cancel'] as const).map((command) => runCommandHint(command, run.runId, run.record.redis, io.env.KSA_REDIS_URL));
    notice(`ksa: ${handle.execution.stoppedBecause ?? 'stopped at once'}. Continue with: ${resume}, or undo with: ${cancel}`);
    void stopping
      .catch(() => {})
      .finally(() => process.exit(code));
  };
  const onSignal = (code: ExitCodeValue, name: string) => () => {
    interrupts++;
    signalExit ??= code;
    // Only a second Ctrl-C is the user asking to stop at once. A closing terminal sends SIGHUP twice (the shell
    // forwards one, the kernel sends one on hang-up), and a supervisor may repeat SIGTERM: the rollback goes on.
    if (interrupts > 1) return name === 'SIGINT' ? stopNow(code) : undefined;
    // ksa cancel is a rollback already: a supervisor's SIGTERM cannot ask for one, only for the process to end.
    if (options.mode === 'rollback' && name === 'SIGTERM') return stopNow(code);
    notice(`ksa: ${name}: cancelling, aborting running steps and rolling back (press Ctrl-C again to stop at once)`);
    handle.execution.cancel(CANCEL_REASONS[name]);
  };
  const onSigint = onSignal(ExitCode.interrupted, 'SIGINT');
  const onSigterm = onSignal(ExitCode.terminated, 'SIGTERM');
  // The terminal closed: what runs is stopped and undone as for SIGTERM, not left running unwatched.
  const onSighup = onSignal(ExitCode.hangup, 'SIGHUP');
  control.interrupt = onSigint;
  control.togglePause = () => (handle.execution.status === 'paused' ? handle.execution.resume() : handle.execution.pause());
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSighup);

  let state: RunState;
  try {
    state = await handle.done;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('SIGHUP', onSighup);
    await live?.stop();
  }

  for (const line of formatSummary(view, style, { logDir: handle.logDir })) io.stderr.write(`${line}\n`);
  // The run went as the summary says, but its record does not: ksa status and ksa resume read the record.
  const unsaved = handle.unsaved();
  const exitCode = exitCodeFor(state, signalExit);
  if (unsaved === undefined) return { state, view, exitCode };
  io.stderr.write(`${style.red(`ksa: the final state of run ${run.runId} could not be saved (${visible(unsaved)}); ksa status shows it as it was last saved, and the step logs in ${handle.logDir} have everything`)}\n`);
  return { state, view, exitCode: exitCode === ExitCode.ok ? ExitCode.runFailed : exitCode };
}

const CANCEL_REASONS: Readonly<Record<string, string>> = {
  SIGINT: 'interrupted by the user (Ctrl-C)',
  SIGTERM: 'terminated (SIGTERM)',
  SIGHUP: 'the terminal closed (SIGHUP)',
};

export function exitCodeFor(state: RunState, signalExit: ExitCodeValue | undefined): ExitCodeValue {
  if (state.status === 'succeeded') return ExitCode.ok;
  if (signalExit !== undefined) return signalExit;
  if (state.status === 'cancelled') return ExitCode.interrupted;
  return ExitCode.runFailed;
}
