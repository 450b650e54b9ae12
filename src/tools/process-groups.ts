/**
 * Every process a tool starts leads its own process group (spawned detached), so
 * signalling `-pid` reaches the whole tree it forked. Detached groups do not get
 * the terminal's Ctrl-C, so ksa has to signal them itself: this module keeps the
 * groups of the processes that are still running.
 */
const live = new Set<number>();
let exitHookInstalled = false;

/** Remembers a group until the returned function is called. */
export function trackProcessGroup(pid: number): () => void {
  live.add(pid);
  installExitHook();
  return () => {
    live.delete(pid);
  };
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
