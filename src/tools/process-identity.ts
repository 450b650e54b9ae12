import { readFileSync } from 'node:fs';

/**
 * A pid alone does not name a process: after a reboot, a container restart
 * (ksa is pid 1 again) or a wrap-around, the same number belongs to another
 * one. Its start time (clock ticks after boot) and the boot it belongs to do:
 * two processes of one boot with the same pid cannot have started in the
 * same tick. Read from /proc, so only on Linux; elsewhere there is none.
 */
export type ProcessStart = { readonly bootId: string; readonly startTicks: number };

/** How a recorded process compares with whatever has its pid now. */
export type Recognition = 'same' | 'other' | 'unknown';

let bootIdCache: string | null | undefined;

/** The id of this boot of the machine, or undefined without /proc. */
export function currentBootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

/**
 * Field 22 of /proc/<pid>/stat. Field 2 is the command name in parentheses,
 * which may itself hold spaces and ')' (`(a) b)`): the fields are counted from
 * after its last ')'.
 */
export function startTicksFromStat(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  // After "(comm)": field 3 (state) is the first, so field 22 is the 20th.
  const ticks = Number(stat.slice(end + 1).trim().split(/\s+/)[19]);
  return Number.isSafeInteger(ticks) && ticks >= 0 ? ticks : undefined;
}

/** When the process now holding `pid` started, or undefined (no such process, no /proc, not readable). */
export function startTicksOf(pid: number): number | undefined {
  try {
    return startTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** What identifies the process holding `pid` now, where /proc tells. */
export function processStart(pid: number): ProcessStart | undefined {
  const bootId = currentBootId();
  const startTicks = bootId === undefined ? undefined : startTicksOf(pid);
  return bootId !== undefined && startTicks !== undefined ? { bootId, startTicks } : undefined;
}

/**
 * Whether `pid` still belongs to the process recorded with that start:
 * 'other' when it provably does not (another boot, another start time),
 * 'unknown' when nothing can be compared (an old record, no /proc, or no
 * readable process with that pid: whether it exists is then for kill(pid, 0)).
 */
export function recognize(pid: number, recorded: { readonly bootId?: string; readonly startTicks?: number }): Recognition {
  if (recorded.bootId === undefined || recorded.startTicks === undefined) return 'unknown';
  const bootId = currentBootId();
  if (bootId === undefined) return 'unknown';
  if (bootId !== recorded.bootId) return 'other';
  const startTicks = startTicksOf(pid);
  if (startTicks === undefined) return 'unknown';
  return startTicks === recorded.startTicks ? 'same' : 'other';
}

/**
 * Whether `pid` has ended but is not yet reaped by its parent (a shell, a supervisor): its pid is still
 * taken, by a process that runs nothing. Its process group may still have live members.
 */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/** The command line of `pid`, for messages naming a process; undefined when unreadable. */
export function commandLineOf(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return text === '' ? undefined : text.length > 80 ? `${text.slice(0, 79)}…` : text;
  } catch {
    return undefined;
  }
}

/**
 * The program `pid` runs (its argv[0]), without its arguments: for a message about a process whose
 * arguments may hold secrets that the one writing it does not know (a worker's step, after a restart).
 */
export function programOf(pid: number): string | undefined {
  try {
    const program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.trim();
    return program === '' ? undefined : program.length > 80 ? `${program.slice(0, 79)}…` : program;
  } catch {
    return undefined;
  }
}
