/**
 * Every process a tool starts leads its own process group (spawned detached), so
 * signalling `-pid` reaches the whole tree it forked. Detached groups do not get
 * the terminal's Ctrl-C, so ksa has to signal them itself: this module keeps the
 * groups of the processes that are still running.
 */
const live = new Set<number>();
const listeners = new Set<(groups: readonly number[]) => void>();
let exitHookInstalled = false;

/** Remembers a group until the returned function is called. */
export function trackProcessGroup(pid: number): () => void {
  live.add(pid);
  installExitHook();
  notify();
  return () => {
    if (live.delete(pid)) notify();
  };
}

/**
 * Hears every change of the running groups, so a run can record them: after a
 * crash (kill -9) they are still running, and resume must stop them before it
 * starts the same steps again.
 */
export function onProcessGroupsChanged(listener: (groups: readonly number[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  if (listeners.size === 0) return;
  const groups = [...live];
  for (const listener of listeners) listener(groups);
}

/** How long a process group gets to exit after SIGTERM before SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2000;
const GROUP_POLL_MS = 50;

/** SIGTERM to each group still alive, SIGKILL to those alive after `graceMs`. Returns how many were running. */
export async function terminateProcessGroups(pids: readonly number[], graceMs = DEFAULT_KILL_GRACE_MS): Promise<number> {
  const alive = pids.filter((pid) => pid > 1 && isProcessGroupAlive(pid));
  await Promise.all(alive.map((pid) => stopProcessGroup(pid, graceMs)));
  return alive.length;
}

/**
 * SIGTERM to the group, then SIGKILL if it is still alive after `graceMs`.
 * Resolves once it is gone or killed: true when SIGKILL was needed. With
 * `unref`, its timers do not keep ksa alive (the exit hook kills what is left).
 */
export async function stopProcessGroup(pid: number, graceMs: number, options: { readonly unref?: boolean } = {}): Promise<boolean> {
  signalProcessGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isProcessGroupAlive(pid)) {
    if (Date.now() >= deadline) {
      signalProcessGroup(pid, 'SIGKILL');
      return true;
    }
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, GROUP_POLL_MS);
      if (options.unref) timer.unref();
    });
  }
  return false;
}

/** Sends `signal` to the group; false when the group is already gone. */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A group id stays reserved while any member lives, so this cannot hit an unrelated process. */
export function isProcessGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Signals every group that a tool started and that has not finished; the CLI
 * calls it when the user presses Ctrl-C twice (stop at once). Background
 * processes left behind on purpose by finished steps (`nohup server &`) are
 * not touched. Returns how many groups were signalled.
 */
export function killAllProcessGroups(signal: NodeJS.Signals = 'SIGKILL'): number {
  let count = 0;
  for (const pid of live) {
    if (signalProcessGroup(pid, signal)) count++;
  }
  return count;
}

/** The ids of the groups still tracked (for diagnostics and tests). */
export function liveProcessGroups(): readonly number[] {
  return [...live];
}

// Like execa's `cleanup` (which it skips for detached processes): a ksa that
// exits, crashes or is killed by a handled signal takes its running steps with it.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    killAllProcessGroups('SIGKILL');
  });
}
