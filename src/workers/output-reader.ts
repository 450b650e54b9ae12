import type { Redis } from 'ioredis';
import type { OutputStream } from '../planning/index.js';
import { outputKey, type StepJobProgress } from './queue-names.js';
import { settledWithin } from './settled-within.js';

/** How long a step's end waits for the batches Redis kept (a Redis that stopped answering does not hold the run). */
const DRAIN_MS = 5000;

export type OutputReaderOptions = {
  readonly client: Redis;
  readonly jobId: string;
  readonly onOutput: (line: string, stream: OutputStream) => void;
  /** Before the first line: the step is announced started (its worker named) before any output of it. */
  readonly beforeLines: () => Promise<void> | void;
};

/**
 * The coordinator's side of one attempt's output: each batch is passed on once, in order. The events stream
 * is capped and drops what a coordinator that fell behind has not read, and a step's end may be seen (its
 * event, or the sweep) before its last batches: a batch after a gap, and the end, first read what is
 * missing from the batches the worker kept (keepBatch). What is not there either is said, not lost silently.
 */
export class OutputReader {
  /** The number of the next batch to pass on. */
  private next = 0;
  /** How many lines the batches passed on had (StepJobProgress.before of the next one). */
  private lines = 0;
  private numbered = false;
  private sawLast = false;
  private named = false;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();
  private draining: Promise<void> | undefined;

  constructor(private readonly options: OutputReaderOptions) {}

  /** A progress event of the job. */
  take(data: unknown): void {
    this.chain = this.chain.then(() => this.read(data as StepJobProgress | undefined)).catch(() => {});
  }

  /** A batch the run has already (what a takeover showed): reading goes on after it. */
  seen(data: unknown): void {
    const batch = data as Partial<StepJobProgress> | undefined;
    if (typeof batch !== 'object' || typeof batch.seq !== 'number' || !Array.isArray(batch.lines)) return;
    this.advance(batch as StepJobProgress);
  }

  /** The job has ended: resolves once every batch up to its last is passed on, or said to be lost. */
  drained(): Promise<void> {
    this.draining ??= this.chain = this.chain
      .then(async () => {
        // The last batch passed on: every one before it was too (a gap is read before the batch after it).
        const read = this.sawLast || (await settledWithin(this.readKept(Infinity), DRAIN_MS));
        if (this.numbered && !this.sawLast) this.say('the end of its output is lost here: its worker could not send it through Redis in time');
        this.closed = true;
        // Not waited for: the step's end need not wait for a delete (the key expires anyway).
        if (read && this.numbered) void this.options.client.del(outputKey(this.options.jobId)).catch(() => {});
      })
      .catch(() => {});
    return this.draining;
  }

  private async read(batch: StepJobProgress | undefined): Promise<void> {
    if (!batch || !Array.isArray(batch.lines)) return;
    // A worker older than the numbered batches: its lines as they come.
    if (batch.seq === undefined) return this.pass(batch);
    if (batch.seq < this.next) return;
    if (batch.seq > this.next) await this.readKept(batch.seq - 1).catch(() => {});
    await this.pass(batch);
  }

  /** Passes on the kept batches from the next one up to `last`. */
  private async readKept(last: number): Promise<void> {
    const rows = await this.options.client.zrangebyscore(outputKey(this.options.jobId), this.next, last === Infinity ? '+inf' : last);
    for (const row of rows) {
      const batch = JSON.parse(row) as StepJobProgress;
      if (batch.seq !== undefined && batch.seq >= this.next) await this.pass(batch);
    }
  }

  private async pass(batch: StepJobProgress): Promise<void> {
    if (this.closed) return;
    if (!this.named && batch.lines.length > 0) {
      this.named = true;
      await this.options.beforeLines();
    }
    if (batch.seq !== undefined && batch.seq > this.next && batch.before !== undefined) {
      const lost = batch.before - this.lines - (batch.dropped ?? 0);
      if (lost > 0) this.say(`${lost} output lines are lost here: Redis no longer had them when ksa read them`);
    }
    for (const { line, stream } of batch.lines) this.options.onOutput(line, stream);
    this.advance(batch);
  }

  private advance(batch: StepJobProgress): void {
    if (batch.seq === undefined) return;
    this.numbered = true;
    this.next = batch.seq + 1;
    if (batch.before !== undefined) this.lines = batch.before + batch.lines.length - (batch.dropped !== undefined ? 1 : 0);
    this.sawLast ||= batch.last === true;
  }

  private say(text: string): void {
    this.options.onOutput(`ksa: ${text}`, 'stderr');
  }
}

/** The last batch with lines that a worker kept for attempt `jobId` (what a takeover shows), if Redis has it. */
export async function lastKeptLines(client: Redis, jobId: string): Promise<StepJobProgress | undefined> {
  const rows = await client.zrevrange(outputKey(jobId), 0, 1).catch(() => []);
  return rows.map((row) => JSON.parse(row) as StepJobProgress).find((batch) => batch.lines.length > 0);
}
