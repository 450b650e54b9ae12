import { hostname } from 'node:os';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { KsaError } from '../planning/ksa-error.js';
import type { ProcessGroup, RecordedGroup } from '../tools/process-groups.js';
import { currentBootId, isZombie, processStart, recognize } from '../tools/process-identity.js';
import { writeCrashRecord } from './crash-record.js';
import { withFileLock } from './file-lock.js';
import { HEARTBEAT_MS, startHeartbeat } from './owner-heartbeat.js';
import { moveAside, setAside } from './set-aside.js';
import { watchRequestFile, writeRequestFile } from './request-file.js';

/**
 * Who runs a run: one writer per run, named by pid so a dead one can be detected and replaced.
 * Where /proc tells them, the boot id and the process's start time (clock ticks after boot) tell
 * the owner from a later process that got its pid (a reboot, a restarted container, a wrap-around).
 */
export type LockOwner = {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly command: string;
  readonly bootId?: string;
  readonly startTicks?: number;
};

export class RunBusyError extends KsaError {
  readonly owner: LockOwner;

  /** `cancel`: the command that stops the run (runCommandHint: with its --redis when it sent steps to workers). */
  constructor({ runId, runDir, owner, cancel = `ksa cancel ${runId}` }: { runId: string; runDir: string; owner: LockOwner; cancel?: string }) {
    super({
      name: 'RunBusyError',
      message: `run ${runId} is being run by ${ownerName(owner)} (${owner.command}, since ${owner.startedAt}); wait for it, or stop it with: ${cancel}${takeOverHint(runDir, owner)}`,
    });
    this.owner = owner;
  }
}

const LOCK_FILE = 'owner.lock';
const CANCEL_FILE = 'cancel.request';

export function currentOwner(command: string): LockOwner {
  return { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command, ...processStart(process.pid) };
}

/**
 * The owner died (kill -9, crash, closed laptop) when its pid no longer exists on this host, or now
 * belongs to a process that started at another time or in another boot. A lock without a start
 * time (written before ksa recorded one, or where there is no /proc) is judged by the pid alone.
 * An owner on another host cannot be checked from here: it counts as alive.
 */
export function isOwnerAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  const recognized = recognize(owner.pid, owner);
  if (recognized === 'other' || isZombie(owner.pid)) return false;
  if (recognized === 'same' || owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Only a process proven to be the owner is signalled: a pid that was reused
 * (or cannot be told apart) may be anything, and SIGUSR2 kills most programs.
 * An owner that is not signalled still sees a request by its poll.
 */
export function isConfirmedOwner(owner: LockOwner): boolean {
  return owner.hostname === hostname() && recognize(owner.pid, owner) === 'same';
}

/** "process 123", or "process 123 on host h" for an owner on another machine. */
export function ownerName(owner: LockOwner): string {
  return owner.hostname === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.hostname}`;
}

/** For an owner on another host, which ksa cannot check: how to take the run over once that host is gone. */
export function takeOverHint(runDir: string, owner: LockOwner): string {
  if (owner.hostname === hostname()) return '';
  return `. ksa cannot check processes on ${owner.hostname}: if that host (or container) is gone, delete ${path.join(runDir, LOCK_FILE)} and try again`;
}

export async function readLockOwner(runDir: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path.join(runDir, LOCK_FILE), 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.hostname !== 'string') return undefined;
    return {
      pid: owner.pid,
      hostname: owner.hostname,
      startedAt: String(owner.startedAt ?? ''),
      command: String(owner.command ?? ''),
      ...(typeof owner.bootId === 'string' && Number.isSafeInteger(owner.startTicks) ? { bootId: owner.bootId, startTicks: owner.startTicks } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The owner of a run, if it has one that is alive. */
export async function liveOwner(runDir: string): Promise<LockOwner | undefined> {
  const owner = await readLockOwner(runDir);
  return owner && isOwnerAlive(owner) ? owner : undefined;
}

/**
 * Another ksa may send SIGUSR2 (a cancel or pause request) at any moment while we hold a run, and also just after
 * we let it go: `ksa cancel` reads the lock, finds its owner alive and signals it, and the run may end in between.
 * Without a listener Node dies of the signal, losing the run's exit code, so a process that once held a run keeps
 * one for the rest of its life.
 */
let survivesRequestSignal = false;
function surviveRequestSignals(): void {
  if (survivesRequestSignal) return;
  survivesRequestSignal = true;
  process.on('SIGUSR2', () => {});
}

export class RunLock {
  private released = false;

  private readonly stopHeartbeat: () => void;

  private constructor(
    readonly runDir: string,
    readonly owner: LockOwner,
  ) {
    this.stopHeartbeat = startHeartbeat(path.join(runDir, LOCK_FILE));
    surviveRequestSignals();
  }

  /**
   * Takes the run; a lock left by a dead process is taken over; a live owner makes it throw RunBusyError.
   * A lock that cannot be read (and is not being written now) is moved aside, as corrupt store files are.
   */
  static async acquire(runDir: string, runId: string, command: string, onWarning: (message: string) => void = () => {}): Promise<RunLock> {
    const owner = currentOwner(command);
    const file = path.join(runDir, LOCK_FILE);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const handle = await open(file, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify({ ...owner, heartbeatMs: HEARTBEAT_MS }));
        } finally {
          await handle.close();
        }
        await removeStaleRecordCopies(runDir);
        return new RunLock(runDir, owner);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const existing = await readLockOwner(runDir);
      if (existing && isOwnerAlive(existing)) throw new RunBusyError({ runId, runDir, owner: existing });
      if (!existing && (await isFresh(file))) {
        // Being written by another process this very moment: give it a moment.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      // Two processes may find the same dead owner: only one may remove its lock, and only that lock.
      const backup = await withFileLock(`${file}.takeover`, async () => {
        const now = await readLockOwner(runDir);
        if (now && isOwnerAlive(now)) return undefined;
        if (now && existing && (now.pid !== existing.pid || now.startedAt !== existing.startedAt)) return undefined;
        // Unreadable: kept for a look, like any corrupt store file; a dead owner's readable lock is just removed.
        if (!now) return moveAside(file);
        await unlink(file).catch(() => {});
        return undefined;
      });
      if (backup) onWarning(`${file} is unreadable (not an owner record); moved it to ${backup} and took the run over, as no live process can be named as its owner`);
    }
    const existing = await readLockOwner(runDir);
    if (existing && isOwnerAlive(existing)) throw new RunBusyError({ runId, runDir, owner: existing });
    throw new KsaError({ name: 'RunLockError', message: `could not take run ${runId}: its lock (${file}) keeps changing; is another ksa taking it right now? Try again.` });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stopHeartbeat();
    const current = await readLockOwner(this.runDir);
    if (current?.pid === this.owner.pid && current.hostname === this.owner.hostname) {
      await unlink(path.join(this.runDir, LOCK_FILE)).catch(() => {});
    }
  }
}

async function isFresh(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < 2000;
  } catch {
    return false;
  }
}

/** Asks the live owner of a run to cancel it (as if Ctrl-C was pressed there). */
export async function requestCancel(runDir: string, owner: LockOwner): Promise<void> {
  // Addressed to this owner, as a pause is: one it never read must not cancel a later `ksa resume` of the run.
  await writeRequestFile(path.join(runDir, CANCEL_FILE), { requestedAt: new Date().toISOString(), by: process.pid, to: owner.pid, host: owner.hostname });
  try {
    // Wakes the owner at once; it also polls, so a missed signal only delays.
    if (isConfirmedOwner(owner)) process.kill(owner.pid, 'SIGUSR2');
  } catch {
    // Gone already: the caller sees the owner is dead, and takes its request back.
  }
}

/** Takes back a cancel request this process made that the owner has not read (it died). */
export async function withdrawCancel(runDir: string): Promise<void> {
  await withdrawOwnRequest(path.join(runDir, CANCEL_FILE));
}

/** Removes a request file (cancel, pause) if this process wrote it (`by`), and its owner has not read it yet. */
export async function withdrawOwnRequest(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  try {
    if ((JSON.parse(text) as { by?: unknown }).by !== process.pid) return;
  } catch {
    return;
  }
  await unlink(file).catch(() => {});
}

/** A request (cancel, pause) addressed to another owner of the run (`to`, `host`): one that died since is not followed. */
export function isForAnotherOwner(request: { readonly to?: unknown; readonly host?: unknown }): boolean {
  return typeof request.to === 'number' && (request.to !== process.pid || (typeof request.host === 'string' && request.host !== hostname()));
}

/**
 * Watches for a cancel request for this run: SIGUSR2 wakes it, a poll backs it up. Returns a stop function.
 * A request this process must not follow (made for an earlier owner) is removed, and said with `onSetAside`.
 */
export function watchCancelRequest(runDir: string, onCancel: () => void, pollMs = 500, onSetAside: (message: string) => void = () => {}): () => void {
  // When this process took the run: a request without an address made before then was meant for an earlier owner.
  const takenAt = Date.now();
  return watchRequestFile(
    path.join(runDir, CANCEL_FILE),
    ({ request, madeAt }) => {
      if (isForAnotherOwner(request) || isFromBefore(request, madeAt, takenAt)) {
        onSetAside(`a cancel request left by an earlier owner of the run was set aside (not followed); to cancel the run: ksa cancel ${path.basename(runDir)}`);
        return false;
      }
      onCancel();
      return true;
    },
    pollMs,
  );
}

/**
 * A request without an address (older ksa builds wrote none) made before this process took the run: it was meant for
 * the owner that died, not for a `ksa resume` after it. Its `requestedAt` tells when; else the file's time, with slack.
 */
function isFromBefore(request: { to?: unknown; requestedAt?: unknown }, fileTime: number, takenAt: number): boolean {
  if (typeof request.to === 'number') return false;
  const requestedAt = typeof request.requestedAt === 'string' ? Date.parse(request.requestedAt) : Number.NaN;
  return Number.isNaN(requestedAt) ? fileTime < takenAt - 1000 : requestedAt < takenAt;
}

export async function clearCancelRequest(runDir: string): Promise<void> {
  await unlink(path.join(runDir, CANCEL_FILE)).catch(() => {});
}

const PROCESSES_FILE = 'processes.json';

/**
 * Records the process groups a run's steps are running right now (small, written synchronously),
 * with their leaders' start times and the boot id: resume stops only groups that are still these.
 */
export function recordProcessGroups(runDir: string, groups: readonly ProcessGroup[]): void {
  const startTicks = Object.fromEntries(groups.flatMap((group) => (group.startTicks === undefined ? [] : [[String(group.id), group.startTicks]])));
  const bootId = currentBootId();
  writeCrashRecord(path.join(runDir, PROCESSES_FILE), { pid: process.pid, groups: groups.map((group) => group.id), ...(bootId !== undefined ? { bootId, startTicks } : {}) });
}

/** The groups a crashed owner left running, to stop before its steps run again. */
export async function readProcessGroups(runDir: string, onWarning: (message: string) => void = () => {}): Promise<RecordedGroup[]> {
  const file = path.join(runDir, PROCESSES_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let record: { groups?: unknown; bootId?: unknown; startTicks?: unknown } | null | undefined;
  try {
    record = JSON.parse(text) as typeof record;
  } catch {
    record = undefined;
  }
  const groups = record?.groups;
  if (Array.isArray(groups)) {
    const bootId = typeof record?.bootId === 'string' ? record.bootId : undefined;
    const ticks = typeof record?.startTicks === 'object' && record.startTicks !== null ? (record.startTicks as Record<string, unknown>) : {};
    return groups
      .filter((id): id is number => Number.isInteger(id) && id > 1)
      .map((id) => {
        const startTicks = ticks[String(id)];
        return bootId !== undefined && Number.isSafeInteger(startTicks) ? { id, bootId, startTicks: startTicks as number } : { id };
      });
  }
  await setAside(file, 'is unreadable (not a list of process groups)', 'went on without it: processes the interrupted run left running cannot be stopped automatically; check for them by hand', onWarning);
  return [];
}

/**
 * run.json is written to a temp copy and renamed over; a process killed between the two leaves the copy (as big as
 * the record). Only the run's owner writes run.json, so once it holds the lock any such copy is a dead one's.
 */
async function removeStaleRecordCopies(runDir: string): Promise<void> {
  const names = await readdir(runDir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => STALE_RECORD_COPY.test(name)).map((name) => unlink(path.join(runDir, name)).catch(() => {})));
}

const STALE_RECORD_COPY = /^\.run\.json\.[0-9a-f]{8}\.tmp$/;
