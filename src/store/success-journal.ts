import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunState, StepState } from '../planning/state.js';

/** `runs/<id>/succeeded.ndjson`: one line per step success, written before the success is announced. */
export const JOURNAL_FILE = 'succeeded.ndjson';

type Entry = { readonly stepId: string; readonly state: StepState | undefined };

/**
 * The write-ahead log of step successes. run.json is rewritten whole with
 * group commit (tens of ms for a big run), far too slow to wait for before
 * every dependent starts; the append of one line is a few µs. Reading a run
 * replays the journal over run.json, and closing a run (run.json flushed)
 * removes it.
 */
export class SuccessJournal {
  private fd: number | undefined;

  constructor(
    private readonly dir: string,
    private readonly state: () => RunState,
    private readonly replacer: ((key: string, value: unknown) => unknown) | undefined,
  ) {}

  /**
   * Appends the step's current (succeeded) state; on return it is in the
   * file (the kernel's page cache: a kill -9 cannot lose it). Synchronous on
   * purpose: one small append costs a few µs, where waiting a turn of the
   * event loop to batch several cost each dependent more than the write.
   */
  commit(stepId: string): void {
    const entry: Entry = { stepId, state: this.state().steps[stepId] };
    this.fd ??= openSync(path.join(this.dir, JOURNAL_FILE), 'a', 0o600);
    writeSync(this.fd, `${JSON.stringify(entry, this.replacer)}\n`);
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
 * journal says succeeded is succeeded, unless run.json already has it
 * finished (e.g. rolled back later). A torn last line (a kill mid-append) is ignored.
 */
export async function replayJournal(dir: string, state: RunState): Promise<void> {
  let text: string;
  try {
    text = await readFile(path.join(dir, JOURNAL_FILE), 'utf8');
  } catch {
    return;
  }
  const { StepStateSchema } = await import('./run-record.js');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let entry: Entry;
    try {
      const raw = JSON.parse(line) as { stepId?: unknown; state?: unknown };
      const parsed = StepStateSchema.safeParse(raw.state);
      if (typeof raw.stepId !== 'string' || !parsed.success) continue;
      entry = { stepId: raw.stepId, state: parsed.data as StepState };
    } catch {
      continue;
    }
    const current = state.steps[entry.stepId];
    if (!current || (current.status !== 'pending' && current.status !== 'running')) continue;
    if (!entry.state) continue;
    state.steps[entry.stepId] = entry.state;
    if (!state.completed.includes(entry.stepId)) state.completed.push(entry.stepId);
  }
}
