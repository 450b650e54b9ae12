import type { Redis } from 'ioredis';
import { outputKey, type StepJobProgress } from './queue-names.js';

/** How much of one attempt's output lines a worker sends through Redis (its result keeps its own bounded stdout and stderr). */
export const DEFAULT_OUTPUT_BYTES = 4 * 1024 * 1024;
/** And at most this many lines: the coordinator handles each line (log, events, live view), and many short ones kept it busy long after the step ended. */
export const OUTPUT_LINES = 50_000;

/** How long an attempt's batches wait for the coordinator after the last one (its events may be read long after they were sent). */
const KEEP_BATCHES_S = 3600;

/**
 * Keeps a batch for the coordinator, by number, before it goes out as a progress event: the events stream is
 * capped, and drops what a coordinator that falls behind has not read; the coordinator reads the rest here.
 */
export async function keepBatch(client: Redis, jobId: string, progress: StepJobProgress): Promise<void> {
  await client.multi().zadd(outputKey(jobId), progress.seq ?? 0, JSON.stringify(progress)).expire(outputKey(jobId), KEEP_BATCHES_S).exec();
}

/** Lines are sent at least this often while they come. */
const FLUSH_MS = 100;
/** Held lines go once no line came for this long (see sendHeldOnPause): longer than a flood's hiccups. */
const PAUSE_MS = 500;
/** And at once when this much waits: one progress event stays small, for Redis, the events stream and the worker's own event loop. */
const BATCH_BYTES = 64 * 1024;

type OutputLine = StepJobProgress['lines'][number];

/**
 * A worker's output lines of one attempt, on their way to the coordinator as progress events.
 * Unbounded, a step printing hundreds of MB filled the worker's memory, blocked its event loop
 * (its job's lock was not renewed: the attempt was judged lost though it succeeded) and Redis,
 * and the coordinator fell behind and lost the end. So the first half of the budget goes as it
 * comes, in small batches; past it only the last half is kept, and sent at the end after a line
 * saying how many lines between them are not kept: the end of a log says why a step failed.
 * Lines held past the first half while none was left out go as soon as the output pauses: a step
 * that then hangs until its timeout has its output in the log before its failure.
 */
export class OutputBatches {
  private pending: OutputLine[] = [];
  private pendingBytes = 0;
  /** The step's lines before the next batch, those left out included, the note on them not (StepJobProgress.before). */
  private sent = 0;
  private headBytes = 0;
  private headLines = 0;
  private overflowing = false;
  /** The last lines past the first half, from `tailStart` on (a moving start: shift() would copy the array each time). */
  private tail: OutputLine[] = [];
  private tailStart = 0;
  private tailBytes = 0;
  private dropped = 0;
  /** Lines pushed since the pause check last looked. */
  private pushed = 0;
  /** The next batch's number. */
  private seq = 0;
  /** The next batch starts with the note on this many lines not sent. */
  private noted: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pauseCheck: NodeJS.Timeout | undefined;
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly send: (progress: StepJobProgress) => Promise<unknown>,
    private readonly worker: string,
    private readonly budgetBytes = DEFAULT_OUTPUT_BYTES,
  ) {}

  push(line: string, stream: OutputLine['stream']): void {
    const size = sizeOf(line);
    this.pushed++;
    if (!this.overflowing && this.headBytes + size <= this.budgetBytes / 2 && this.headLines < OUTPUT_LINES / 2) {
      this.headBytes += size;
      this.headLines++;
      this.pending.push({ line, stream });
      this.pendingBytes += size;
      if (this.pendingBytes >= BATCH_BYTES) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
      return;
    }
    this.overflowing = true;
    this.tail.push({ line, stream });
    this.tailBytes += size;
    // The whole budget at most: lines sent at a pause count as the start's.
    const maxBytes = Math.min(this.budgetBytes / 2, this.budgetBytes - this.headBytes);
    const maxLines = Math.min(OUTPUT_LINES / 2, OUTPUT_LINES - this.headLines);
    while ((this.tailBytes > maxBytes || this.tail.length - this.tailStart > maxLines) && this.tail.length - this.tailStart > 1) {
      this.tailBytes -= sizeOf(this.tail[this.tailStart]!.line);
      this.tailStart++;
      this.dropped++;
    }
    if (this.tailStart > 4096 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
    if (this.dropped === 0) this.pauseCheck ??= setTimeout(() => this.sendHeldOnPause(), PAUSE_MS);
  }

  /** Nothing left out yet and no line since the last look: the held lines follow the sent ones, and go now. */
  private sendHeldOnPause(): void {
    this.pauseCheck = undefined;
    if (this.dropped > 0 || this.tail.length === this.tailStart) return;
    if (this.pushed > 0) {
      this.pushed = 0;
      this.pauseCheck = setTimeout(() => this.sendHeldOnPause(), PAUSE_MS);
      return;
    }
    for (let i = this.tailStart; i < this.tail.length; i++) {
      const entry = this.tail[i]!;
      this.pending.push(entry);
      this.headBytes += sizeOf(entry.line);
      this.headLines++;
      this.pendingBytes += sizeOf(entry.line);
      if (this.pendingBytes >= BATCH_BYTES) this.flush();
    }
    this.tail = [];
    this.tailStart = 0;
    this.tailBytes = 0;
    this.flush();
  }

  /** Sends what is left (the note on the lines left out, then the kept end) as the last batches; resolves once Redis has all of it. */
  end(): Promise<unknown> {
    if (this.pauseCheck) clearTimeout(this.pauseCheck);
    if (this.overflowing) {
      this.flush();
      const kept = this.tail.length - this.tailStart;
      if (this.dropped > 0) {
        const note = `worker ${this.worker}: ${this.dropped} output lines are not kept here, between the first ${this.sent} and the last ${kept} (a step's output sent through Redis is bounded to ${formatBytes(this.budgetBytes)} or ${OUTPUT_LINES} lines)`;
        this.pending.push({ line: note, stream: 'stderr' });
        this.noted = this.dropped;
        this.sent += this.dropped;
        this.dropped = 0;
      }
      for (let i = this.tailStart; i < this.tail.length; i++) {
        const entry = this.tail[i]!;
        this.pending.push(entry);
        this.pendingBytes += sizeOf(entry.line);
        if (this.pendingBytes >= BATCH_BYTES) this.flush();
      }
      this.tail = [];
      this.tailStart = 0;
    }
    // Marked last, even empty: the coordinator knows it has the whole output once it has read this one. A step
    // that printed nothing sends nothing: its coordinator, with no batch numbered, waits for none.
    if (this.seq > 0 || this.pending.length > 0) this.flush(true);
    return this.sending;
  }

  private flush(last = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && !last) return;
    const progress: StepJobProgress = { lines: this.pending, before: this.sent, seq: this.seq++, ...(last ? { last } : {}), ...(this.noted !== undefined ? { dropped: this.noted } : {}) };
    // The worker's note is no line of the step's: `before` counts the step's lines only.
    this.sent += this.pending.length - (this.noted !== undefined ? 1 : 0);
    this.pending = [];
    this.pendingBytes = 0;
    this.noted = undefined;
    // One after the other: they arrive in order, and a slow Redis holds the next batch here, not many in flight.
    this.sending = this.sending.then(() => this.send(progress)).catch(() => {});
  }
}

/** A line's size in Redis and on the wire: its UTF-8 bytes and its newline (a '€' is 3 bytes, not 1). */
function sizeOf(line: string): number {
  return Buffer.byteLength(line, 'utf8') + 1;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
