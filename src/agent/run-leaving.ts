import { isWaitingForWorker, type RunView } from '../planning/index.js';
import { plural } from '../planning/plural.js';
import { runCommandHint } from '../planning/redis-hints.js';
import type { RunHandle } from './run-controller.js';

type Notice = (text: string, tone: 'info' | 'warning') => void;

export type LeaveRunOptions = {
  /** /quit: a paused run stays paused (for ksa resume); otherwise (Ctrl-C twice, a signal, a switch) the run is cancelled. */
  readonly leavePaused: boolean;
  readonly view: () => RunView | undefined;
  /** Told of every change of the session (each run event is one). */
  readonly subscribe: (listener: () => void) => () => void;
  readonly notice: Notice;
  /** While the quit waits for running steps: the way to cut them short (Ctrl-C, Esc, a signal), until it stops waiting. */
  readonly waiting: (cutShort: (() => void) | undefined) => void;
  /** The Redis ksa resume uses by itself: the hint to resume a run on workers then needs no --redis for it. */
  readonly configuredRedis?: string;
};

/**
 * The chat is closing with its run still going: a run not left paused is cancelled (and rolled back). One left
 * paused lets its running steps finish first, as a pause promises, unless the user cuts them short (they run again
 * on resume); it then stays paused with nothing running. Resolves with the run's id when it was left paused.
 */
export async function leaveRun(run: RunHandle, options: LeaveRunOptions): Promise<string | undefined> {
  if (!options.leavePaused || run.execution.status !== 'paused') {
    run.execution.cancel('the chat was closed');
    await run.done.catch(() => undefined);
    return undefined;
  }
  await runningStepsFinished(run, options);
  // A running step failed meanwhile (the run is rolled back), or was the last one (it succeeded): it ended.
  if (run.execution.status !== 'paused') {
    await run.done.catch(() => undefined);
    return undefined;
  }
  await run.stopNow('paused').catch(() => undefined);
  return run.runId;
}

/** The steps of a live run an attempt runs now (not those between attempts, nor those no worker took yet). */
export function stepsRunning(view: RunView | undefined): string[] {
  if (!view) return [];
  return view.order.filter((id) => {
    const step = view.steps.get(id)!;
    return step.status === 'running' && !isWaitingForWorker(step);
  });
}

function runningStepsFinished(run: RunHandle, options: LeaveRunOptions): Promise<void> {
  const running = () => stepsRunning(options.view());
  const first = running();
  if (first.length === 0) return Promise.resolve();
  const them = first.length === 1 ? 'it' : 'them';
  options.notice(`Waiting for ${plural(first.length, 'running step')} to finish before leaving (${first.join(', ')}); the run stays paused. Ctrl-C or Esc cuts ${them} short: ${first.length === 1 ? 'it runs' : 'they run'} again when the run is resumed.`, 'info');
  return new Promise<void>((resolve) => {
    let stop = () => {};
    const end = () => {
      stop();
      options.waiting(undefined);
      resolve();
    };
    const check = () => {
      if (run.execution.status !== 'paused' || running().length === 0) end();
    };
    options.waiting(() => {
      const left = running();
      if (left.length > 0) options.notice(`Cutting ${left.join(', ')} short: ${left.length === 1 ? 'it runs' : 'they run'} again when the run is resumed (${runCommandHint('resume', run.runId, run.redis, options.configuredRedis)}).`, 'warning');
      end();
    });
    stop = options.subscribe(check);
    check();
  });
}
