import { createWriteStream, type WriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunEvent } from '../planning/events.js';
import type { Plan } from '../planning/schema.js';
import type { RunState } from '../planning/state.js';
import { createRedactor, errorText, type Redactor } from './redact.js';
import { makeDirsSync } from './make-dirs.js';

/** Where a step's full log is kept in a run's log folder. */
export function stepLogFile(dir: string, stepId: string): string {
  return path.join(dir, `${stepId}.log`);
}

/**
 * Full output of every step, one file per step (`<stepId>.log`), kept beside
 * the run while events carry only bounded output. Files are 0600.
 */
export class StepLogs {
  private readonly streams = new Map<string, WriteStream>();
  /** Streams of steps that ended: close() waits for them to reach the disk too. */
  private readonly ending = new Set<Promise<void>>();
  private dirReady = false;
  private disabled = false;

  /** `onError` hears once, with a one-line reason, if logs cannot be written; the run goes on. */
  constructor(
    readonly dir: string,
    private readonly onError: (message: string) => void = () => {},
    private readonly redactor: Redactor = createRedactor([]),
  ) {}

  fileFor(stepId: string): string {
    return stepLogFile(this.dir, stepId);
  }

  /** Feed every run event; output lines are appended, attempts get a header line. */
  onEvent(event: RunEvent): void {
    switch (event.type) {
      // Each attempt names the worker it ran on: retries may run on another machine.
      case 'step_started':
        // Taken over by a resume: its header (written when it started) is above; this says where it went on.
        if (event.workerStartedAt) this.write(event.stepId, `--- attempt ${event.attempt} (taken over on resume; started ${event.workerStartedAt}${onWorker(event.worker)})\n`);
        else this.write(event.stepId, `--- attempt ${event.attempt} started ${event.ts}${onWorker(event.worker)}\n`);
        break;
      case 'step_output':
        this.write(event.stepId, event.stream === 'stderr' ? `[stderr] ${this.hide(event.line)}\n` : `${this.hide(event.line)}\n`);
        break;
      case 'step_retrying':
        this.write(event.stepId, `--- attempt ${event.attempt} failed${onWorker(event.worker)}: ${this.hideError(event.error)}\n`);
        break;
      case 'step_failed':
        this.write(event.stepId, `--- failed${onWorker(event.worker)}: ${this.hideError(event.error)}\n`);
        this.end(event.stepId);
        break;
      case 'step_succeeded':
      case 'step_cancelled':
        this.end(event.stepId);
        break;
      case 'rollback_step_failed':
        this.write(event.stepId, `--- rollback failed: ${this.hideError(event.error)}\n`);
        this.end(event.stepId);
        break;
      case 'rollback_step_succeeded':
        this.end(event.stepId);
        break;
    }
  }

  private write(stepId: string, text: string): void {
    if (this.disabled) return;
    let stream = this.streams.get(stepId);
    if (!stream) {
      if (!this.dirReady) {
        try {
          makeDirsSync(this.dir, 0o700);
        } catch (error) {
          this.disabled = true;
          this.onError(`cannot keep step logs in ${this.dir}: ${(error as Error).message}`);
          return;
        }
        this.dirReady = true;
      }
      const opened = createWriteStream(this.fileFor(stepId), { flags: 'a', mode: 0o600 });
      // A log that cannot be written must not break the run; the events still carry the output.
      opened.on('error', () => this.streams.delete(stepId));
      stream = opened;
      this.streams.set(stepId, stream);
    }
    stream.write(text);
  }

  /** Secrets are hidden in what the step and its tool said, not in the headers' times and worker names. */
  private hide(text: string): string {
    return this.redactor.active ? this.redactor.text(text) : text;
  }

  /** An error may be in part ksa's own words (an attempt's timeout): those stay whole. */
  private hideError(error: string): string {
    return this.redactor.active ? errorText(this.redactor.text, error) : error;
  }

  private end(stepId: string): void {
    const stream = this.streams.get(stepId);
    if (!stream) return;
    this.streams.delete(stepId);
    this.ending.add(finish(stream, this.ending));
  }

  /** Closes every file; resolves when all output, of ended steps too, is on disk. */
  async close(): Promise<void> {
    for (const stream of this.streams.values()) this.ending.add(finish(stream, this.ending));
    this.streams.clear();
    await Promise.all([...this.ending]);
  }
}

function finish(stream: WriteStream, pending: Set<Promise<void>>): Promise<void> {
  const done: Promise<void> = new Promise<void>((resolve) => {
    stream.once('error', () => resolve());
    stream.end(() => resolve());
  }).finally(() => pending.delete(done));
  return done;
}

/** The last lines of a step's log (at most `maxBytes` read), for "why did it fail?". */
export async function readLogTail(dir: string, stepId: string, maxLines = 20, maxBytes = 64 * 1024): Promise<string[]> {
  let handle;
  try {
    handle = await open(stepLogFile(dir, stepId), 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (length < size) lines.shift();
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines.slice(-maxLines);
  } finally {
    await handle.close();
  }
}

/** When a step's log was last written (undefined without a log): what a step cut short last did, as far as ksa knows. */
export async function logWrittenAt(dir: string, stepId: string): Promise<string | undefined> {
  const info = await stat(stepLogFile(dir, stepId)).catch(() => undefined);
  return info?.mtime.toISOString();
}

/** The log tails of a run's failed steps, by step id in plan order. */
export async function failedStepLogTails(dir: string, run: { readonly plan: Plan; readonly state: RunState }, maxLines: number): Promise<Record<string, string[]>> {
  const failed = run.plan.steps.filter((step) => run.state.steps[step.id]?.status === 'failed').map((step) => step.id);
  return Object.fromEntries(await Promise.all(failed.map(async (id) => [id, await readLogTail(dir, id, maxLines)] as const)));
}

function onWorker(worker: string | undefined): string {
  return worker ? ` on ${worker}` : '';
}
