import { plural } from '../planning/plural.js';
import { commandLineOf, recognize, startTicksOf } from './process-identity.js';

/**
 * Every process a tool starts leads its own process group (spawned detached), so
 * signalling `-pid` reaches the whole tree it forked. Detached groups do not get
 * the terminal's Ctrl-C, so ksa has to signal them itself: this module keeps the
 * groups of the processes that are still running.
 */
/** A group a tool started: its id (its leader's pid) and when that leader started, where /proc tells. */
export type ProcessGroup = { readonly id: number; readonly startTicks?: number };

/** A group as a crashed run recorded it, with the boot it was started in. */
export type RecordedGroup = ProcessGroup & { readonly bootId?: string };

const live = new Map<number, ProcessGroup>();
const listeners = new Set<(groups: readonly ProcessGroup[]) => void>();
let exitHookInstalled = false;

/** Remembers a group until the returned function is called. */
export function trackProcessGroup(pid: number): () => void {
  // Read now, while the leader is surely the process just spawned (not yet reaped, so its pid is not free).
  const startTicks = startTicksOf(pid);
  live.set(pid, { id: pid, ...(startTicks !== undefined ? { startTicks } : {}) });
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
export function onProcessGroupsChanged(listener: (groups: readonly ProcessGroup[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(): void {
  if (listeners.size === 0) return;
  const groups = [...live.values()];
  for (const listener of listeners) listener(groups);
}

/** How long a process group gets to exit after SIGTERM before SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2000;
const GROUP_POLL_MS = 50;

/** A group named for the user: its id and its leader's command line. */
export type NamedGroup = { readonly id: number; readonly command?: string };

/**
 * Stops the groups a dead process recorded (SIGTERM, then SIGKILL after
 * `graceMs`), but only those still provably its own. `stopped` were; `unsure`
 * live on, as they may belong to someone else now. Each is named by `describe` (its leader's command line).
 */
export async function stopLeftoverGroups(groups: readonly RecordedGroup[], graceMs = DEFAULT_KILL_GRACE_MS, describe: (pid: number) => string | undefined = commandLineOf): Promise<{ stopped: NamedGroup[]; unsure: NamedGroup[] }> {
  const stopped: NamedGroup[] = [];
  const unsure: NamedGroup[] = [];
  for (const group of groups) {
    if (group.id <= 1 || !isProcessGroupAlive(group.id)) continue;
    const command = describe(group.id);
    const named = { id: group.id, ...(command === undefined ? {} : { command }) };
    const verdict = leftoverVerdict(group);
    if (verdict === 'ours') stopped.push(named);
    else if (verdict === 'unsure') unsure.push(named);
  }
  await Promise.all(stopped.map((group) => stopProcessGroup(group.id, graceMs)));
  return { stopped, unsure };
}

/**
 * Whether a live group with a recorded id is still the one recorded. A group
 * id is its leader's pid, and Linux does not hand out a pid while a group (or
 * session) of that id has a member. So:
 * - the leader lives with its recorded start time: it is the recorded group;
 * - another boot, or another process holding the pid now (another start time):
 *   the recorded group ended before that pid could be reused, so the group of
 *   that id now is someone else's;
 * - the leader is gone but the group lives: either the recorded group's other
 *   members kept the id reserved since, or the group ended, a new process got
 *   the pid, made its own group and exited, leaving its children. Nothing
 *   visible tells these apart, so it is left alone (and named to the user).
 * A record without a start time (older ksa, no /proc) is trusted as before.
 */
function leftoverVerdict(group: RecordedGroup): 'ours' | 'not ours' | 'unsure' {
  if (group.startTicks === undefined || group.bootId === undefined) return 'ours';
  const recognized = recognize(group.id, { bootId: group.bootId, startTicks: group.startTicks });
  if (recognized === 'same') return 'ours';
  return recognized === 'other' ? 'not ours' : 'unsure';
}

/** The warning for groups left alone by stopLeftoverGroups; `by` is whoever left them ("the interrupted run"). */
export function unsureGroupsText(groups: readonly NamedGroup[], by: string): string {
  const ids = groups.map((group) => group.id).join(',');
  return `did not stop ${plural(groups.length, 'process group')} ${by} may have left running (${groupNames(groups)}): ${groups.length > 1 ? 'their leaders are' : 'its leader is'} gone, so ksa cannot tell ${groups.length > 1 ? 'they are' : 'it is'} still its own; check with: ps -o pid,args -g ${ids}`;
}

/** "123 (sh -c make), 456" for messages. */
export function groupNames(groups: readonly NamedGroup[]): string {
  return groups.map((group) => (group.command ? `${group.id} (${group.command})` : String(group.id))).join(', ');
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

/** Whether any process is in group `pid` (which may not be the group once recorded under that id: see leftoverVerdict). */
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
  for (const pid of live.keys()) {
    if (signalProcessGroup(pid, signal)) count++;
  }
  return count;
}

/** The ids of the groups still tracked (for diagnostics and tests). */
export function liveProcessGroups(): readonly number[] {
  return [...live.keys()];
}

/** The groups still tracked, with their leaders' start times (what a run records). */
export function trackedProcessGroups(): readonly ProcessGroup[] {
  return [...live.values()];
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
