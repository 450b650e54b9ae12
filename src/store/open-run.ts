import type { RunEvent } from '../planning/events.js';
import type { Execution } from '../planning/executor.js';
import { isFinished, type RunStatus } from '../planning/state.js';
import { ApprovalMismatchError, planHash, RunEndedMeanwhileError, type Approval } from './approval.js';
import { noteMaskedParts } from './masked-steps.js';
import { noteSucceededOutput, storedOutput } from './masked-output-notes.js';
import type { Redactor } from './redact.js';
import { JOURNAL_ENTRY_SHAPE, replacerFor } from './redact-record.js';
import type { Replacer } from './private-json-file.js';
import type { RunLock } from './run-lock.js';
import type { RunRecord } from './run-record.js';
import type { RunStore } from './run-store.js';
import { summarize } from './run-summary.js';
import type { StoredDocument } from './stored-document.js';
import type { StoredOutputs } from './stored-outputs.js';
import { SuccessJournal } from './success-journal.js';

/** A run this process owns: the executor's events keep its file current. */
export class OpenRun {
  private indexWrite: Promise<void> = Promise.resolve();
  /** The index line last written by this process. */
  private indexed: string | undefined;
  private readonly journal: SuccessJournal;

  constructor(
    private readonly store: RunStore,
    readonly document: StoredDocument<RunRecord>,
    private readonly lock: RunLock,
    /** Everything written for this run (its file, its logs) goes through this. */
    readonly redactor: Redactor,
    /** Taken over from a record an older ksa wrote (no `format`): what it did not record is looked for otherwise. */
    readonly olderFormat = false,
    /** What the record is written with: what it hides is noted in it as its inputs and state change (noteMaskedParts). */
    private readonly replacer?: Replacer,
    /** What the record's replacer writes for the outputs stored so far (it hides their secrets with `redactor` too). */
    private readonly storedOutputs?: StoredOutputs,
  ) {
    this.journal = new SuccessJournal(lock.runDir, () => this.record.state, replacerFor(JOURNAL_ENTRY_SHAPE, redactor));
  }

  /** Write-ahead for the executor (`commitSuccess`): the step's success is on disk when this returns. */
  commitSuccess(stepId: string): void {
    // Redacted once for the note, the journal line and every later write of run.json alike.
    const st = this.record.state.steps[stepId];
    const stored = storedOutput(this.redactor, st?.output);
    if (st) this.storedOutputs?.keep(st, st.output, stored.output);
    noteSucceededOutput(this.record, stepId, stored.hidden);
    // With the success itself: a resume must know its output was stored as *** though run.json was not written since.
    this.journal.commit(stepId, stored);
  }

  get record(): RunRecord {
    return this.document.data;
  }

  get runId(): string {
    return this.record.runId;
  }

  get dir(): string {
    return this.lock.runDir;
  }

  /** The KSA_HOME the run lives in. */
  get home(): string {
    return this.store.home;
  }

  get logDir(): string {
    return this.store.logDir(this.runId);
  }

  /**
   * From now on the record holds the execution's own state object, so every
   * event only needs to mark the file changed; group commit does the rest.
   */
  attach(execution: Execution): (event: RunEvent) => void {
    this.record.state = execution.state;
    noteMaskedParts(this.record, this.replacer);
    this.document.changed();
    return (event) => {
      this.document.changed();
      if (event.type === 'run_started' || event.type === 'run_paused' || event.type === 'run_resumed' || event.type === 'run_finished') {
        void this.updateIndex();
      }
    };
  }

  /**
   * Stores an approval, after checking it is for this very plan and these
   * inputs (what was shown when the question was asked): a record changed in
   * between is refused, and nothing runs. On disk before anything runs.
   */
  async recordApproval(approval: Approval, inputs: Readonly<Record<string, unknown>>): Promise<void> {
    // Read under the lock: a resume asked for before another terminal ended the run must not run it again.
    if (isFinished(this.record.state.status)) throw new RunEndedMeanwhileError(this.runId, this.record.state.status);
    if (approval.planHash !== planHash(this.record.plan, inputs)) throw new ApprovalMismatchError(this.runId);
    this.record.approvals = [...(this.record.approvals ?? []), approval];
    // The inputs it goes on with: a resume's --input replaces the stored value (a secret one is written as ***).
    this.record.inputs = { ...inputs };
    noteMaskedParts(this.record, this.replacer);
    this.document.changed();
    await this.document.flush();
  }

  /**
   * The Redis its steps go to workers through (as recordedRedisUrl gives it), on disk when this returns: a run that
   * recorded none (done here until a resume sent its steps to workers) is then resumed and cancelled there. One
   * recorded already stays as written: a resume goes on only through that server (otherRedisRefusal).
   */
  async recordRedis(redis: string): Promise<void> {
    if (this.record.redis !== undefined) return;
    this.record.redis = redis;
    this.document.changed();
    await this.document.flush();
  }

  /** Marks the run's status (e.g. interrupted) outside an execution. */
  setStatus(status: RunStatus): void {
    this.record.state.status = status;
    this.document.changed();
  }

  /** Writes the run's index line, unless it is the same as the last one this process wrote (run_finished, then close). */
  updateIndex(): Promise<void> {
    this.indexWrite = this.indexWrite
      .then(async () => {
        const line = JSON.stringify(summarize(this.record));
        if (line === this.indexed) return;
        await this.store.updateIndex(this.record, this.redactor);
        this.indexed = line;
      })
      .catch((error: unknown) => {
        // The run file is the truth; a stale index line is rebuilt from it later.
        void error;
      });
    return this.indexWrite;
  }

  async flush(): Promise<void> {
    await this.document.flush();
  }

  /** Writes everything and gives the run up. */
  async close(): Promise<void> {
    try {
      await this.document.close();
      this.journal.discard();
      await this.updateIndex();
    } finally {
      await this.lock.release();
    }
  }
}
