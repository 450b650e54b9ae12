import { closeSync, fstatSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { RunState, StepState } from '../planning/state.js';
import type { StoredOutput } from './masked-output-notes.js';
import { stringifyWith, type Replacer } from './private-json-file.js';

/** `runs/<id>/succeeded.ndjson`: one line per step success, written before the success is announced. */
export const JOURNAL_FILE = 'succeeded.ndjson';

/** `outputMasked`: its output, as written, lost a secret it printed (it is then noted in run.json's `masked.outputs` too). */
type Entry = { readonly stepId: string; readonly state: StepState | undefined; readonly outputMasked?: true };

/**
 * The write-ahead log of step successes. run.json is rewritten whole with
 * group commit (tens of ms for a big run), far too slow to wait for before
 * every dependent starts; the append of one line is a few µs. Reading a run
 * replays the journal over run.json, and closing a run (run.json flushed)
 * removes it.
 */
export class SuccessJournal {
  private fd: number | undefined;
  /** A failed append may have left part of a line that could not be taken back: the next one starts on a line of its own. */
  private torn = false;

  constructor(
    private readonly dir: string,
    private readonly state: () => RunState,
    private readonly replacer: Replacer | undefined,
  ) {}

  /**
   * Appends the step's current (succeeded) state; on return it is in the
   * file (the kernel's page cache: a kill -9 cannot lose it). Synchronous on
   * purpose: one small append costs a few µs, where waiting a turn of the
   * event loop to batch several cost each dependent more than the write.
   * Throws unless the whole line is written (a full disk writes part of it
   * and says so only by the count): the success is then not announced.
   * `stored`: the step's output as it is written, its secrets hidden already (the replacer leaves it as it is).
   */
  commit(stepId: string, stored: StoredOutput): void {
    const state = this.state().steps[stepId];
    const entry: Entry = { stepId, state: state && { ...state, output: stored.output }, ...(stored.hidden ? { outputMasked: true as const } : {}) };
    this.fd ??= openSync(path.join(this.dir, JOURNAL_FILE), 'a', 0o600);
    const line = Buffer.from(`${this.torn ? '\n' : ''}${stringifyWith(entry, this.replacer)}\n`);
    let written = 0;
    try {
      while (written < line.length) {
        const count = writeSync(this.fd, line, written);
        if (count <= 0) throw Object.assign(new Error(`no space left on device, write ${path.join(this.dir, JOURNAL_FILE)}`), { code: 'ENOSPC' });
        written += count;
      }
    } catch (error) {
      this.takeBack(written);
      throw error;
    }
    this.torn = false;
  }

  /** Removes the part of a line a failed append wrote; a line it cannot remove is cut off by the next append (replay skips it). */
  private takeBack(written: number): void {
    if (written === 0 || this.fd === undefined) return;
    try {
      ftruncateSync(this.fd, fstatSync(this.fd).size - written);
    } catch {
      this.torn = true;
    }
  }

  /** run.json now holds everything: the journal is not needed any more. */
  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(path.join(this.dir, JOURNAL_FILE));
    } catch {
      // Never written, or gone already.
    }
  }
}

/**
 * Applies a run's journal to its state as read from run.json: a step the
 * journal says succeeded is succeeded, as its latest success there says (a
 * step run again by a resume succeeded again after an earlier owner's line),
 * unless run.json already has it finished (e.g. rolled back later). A torn
 * last line (a kill mid-append) is ignored.
 * Returns, by step, whether the output it is left with lost a secret as written (true) or not (false); a step
 * whose stored output is run.json's, from no success the journal holds, is left to run.json's own note.
 */
export async function replayJournal(dir: string, state: RunState): Promise<Map<string, boolean>> {
  const masked = new Map<string, boolean>();
  // Read a line at a time: a journal of big outputs can pass the longest string V8 makes (~512 MB), and read
  // whole it failed, so a resume ran again steps whose success it held.
  let lines: AsyncIterable<string>;
  try {
    const handle = await open(path.join(dir, JOURNAL_FILE), 'r');
    lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8' }), crlfDelay: Infinity });
  } catch {
    return masked;
  }
  const { StepStateSchema } = await import('./run-record.js');
  // Steps whose state this replay took from the journal: a later line of theirs is a later success.
  const replayed = new Set<string>();
  for await (const line of lines) {
    if (line === '') continue;
    let entry: Entry;
    try {
      const raw = JSON.parse(line) as { stepId?: unknown; state?: unknown; outputMasked?: unknown };
      const parsed = StepStateSchema.safeParse(raw.state);
      if (typeof raw.stepId !== 'string' || !parsed.success) continue;
      entry = { stepId: raw.stepId, state: parsed.data as StepState, ...(raw.outputMasked === true ? { outputMasked: true as const } : {}) };
    } catch {
      continue;
    }
    const current = state.steps[entry.stepId];
    if (!current || !entry.state) continue;
    if (current.status === 'pending' || current.status === 'running' || replayed.has(entry.stepId)) {
      state.steps[entry.stepId] = entry.state;
      replayed.add(entry.stepId);
      if (!state.completed.includes(entry.stepId)) state.completed.push(entry.stepId);
      masked.set(entry.stepId, entry.outputMasked === true);
    } else if (current.endedAt === entry.state.endedAt && current.attempts === entry.state.attempts) {
      // The success run.json holds: the output stored there is this one.
      masked.set(entry.stepId, entry.outputMasked === true);
    }
  }
  return masked;
}
