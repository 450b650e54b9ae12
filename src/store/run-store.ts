import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isFinished, type RunStatus } from '../planning/state.js';
import { ensurePrivateDir, isRunId, runDir, stepLogDir } from './paths.js';
import { createRedactor, namesSecretInput, privateKeysIn, secretInputValues, type Redactor } from './redact.js';
import { keyLineDigests, keyLineHider } from './key-line-digests.js';
import { recordReplacer, replacerFor, RUN_INDEX_SHAPE, RUN_RECORD_SHAPE, RUN_SUMMARY_SHAPE } from './redact-record.js';
import { StoredOutputs } from './stored-outputs.js';
import { SharedIndex } from './shared-index.js';
import { liveOwner, RunBusyError, RunLock, type LockOwner } from './run-lock.js';
import { olderBuildRedisUrl, runCommandHint } from '../planning/redis-hints.js';
import type { RunRecord, RunSummary } from './run-record.js';
import { cutShortSteps, ownerLastAlive, runStoppedAt } from './run-status.js';
import { summarize } from './run-summary.js';
import { StoredDocument } from './stored-document.js';
import { markLegacyRollbackStart, RUN_RECORD_FORMAT } from './legacy-rollback.js';
import { replayJournal } from './success-journal.js';
import { mapLimit } from './map-limit.js';
import { withSecretInputKinds } from './secret-input-kinds.js';
import { overriddenSecretDefaults } from './overridden-defaults.js';
import { noteMaskedParts } from './masked-steps.js';
import { clearMaskedOutput, noteMaskedOutput } from './masked-output-notes.js';
import { OpenRun } from './open-run.js';
import { RunNotFoundError, setAsideBefore } from './run-not-found.js';

export { OpenRun } from './open-run.js';
export { RunNotFoundError } from './run-not-found.js';

/** Run files `ksa runs` reads at once. */
const LIST_READS_AT_ONCE = 16;

// The record's schemas (zod, the plan's schema) load when a run is read, not with the store.
const runRecords = () => import('./run-record.js');

/**
 * A run as listed: its status is "interrupted" when it claims to run but its owner process is gone;
 * `stoppedAt` is then when it last recorded anything or was last known alive (its time ran out there, not now);
 * `stoppedAtKnown: false`: then or later (its owner, an older ksa, left no sign of when it died).
 */
export type RunListing = RunSummary & { readonly effectiveStatus: RunStatus; readonly owner?: LockOwner; readonly stoppedAt?: string; readonly stoppedAtKnown?: false };

export type RunStoreOptions = {
  readonly onWarning?: (message: string) => void;
  /** Secret values that must never be written (they are replaced by ***). */
  readonly secrets?: readonly string[];
};

/** Runs on disk: `runs/<id>/run.json` (the plan and its state), `runs/<id>/logs/`, and a small shared index. */
export class RunStore {
  readonly runsDir: string;
  private readonly index: SharedIndex<RunSummary>;
  private readonly warn: (message: string) => void;
  private redactor: Redactor;

  constructor(
    readonly home: string,
    options: RunStoreOptions = {},
  ) {
    this.runsDir = path.join(home, 'runs');
    this.warn = options.onWarning ?? (() => {});
    this.redactor = createRedactor(options.secrets ?? []);
    this.index = new SharedIndex<RunSummary>({
      dir: this.runsDir,
      entrySchema: async () => (await runRecords()).RunSummarySchema,
      key: (summary) => summary.runId,
      onWarning: this.warn,
      // Read at each write: secrets added later (addSecrets) are hidden too.
      replacer: recordReplacer(RUN_INDEX_SHAPE, () => this.redactor),
      itemFile: 'run.json',
      toEntry: async (data) => {
        const parsed = (await runRecords()).RunRecordSchema.safeParse(data);
        return parsed.success ? summarize(parsed.data) : undefined;
      },
    });
  }

  /** More values never to write (e.g. the MCP servers' secrets, known once their config is read): for the runs opened from now on. */
  addSecrets(secrets: Iterable<string>): void {
    this.redactor = this.redactor.with(secrets);
  }

  /** Creates a run, owned (locked) by this process. */
  async create(record: Omit<RunRecord, 'version' | 'approvals'> & { approvals?: RunRecord['approvals'] }, command: string): Promise<OpenRun> {
    const dir = runDir(this.home, record.runId);
    await ensurePrivateDir(dir, { ownFolder: true });
    const lock = await RunLock.acquire(dir, record.runId, command, this.warn);
    // The plan's own inputs too: a plan the chat's model wrote may carry a secret's value (the chat gives no --input),
    // and a secret input's default stays one when --input gives another value.
    const keys = privateKeysIn(record.plan.steps);
    const secrets = [...secretInputValues(record.plan.inputs), ...secretInputValues(record.inputs), ...keys];
    const redactor = this.redactor.with(secrets);
    // Not in use, such a default hides no other input's value (port: 8080 beside dbPassword: 8080).
    const replaced = new Set(overriddenSecretDefaults(record.plan.inputs, record.inputs));
    const inputsRedactor = this.redactor.with(secrets.filter((secret) => !replaced.has(secret)));
    // Built by this process from a validated plan: written as is, not read back and re-validated (10k steps cost ~50 ms of zod).
    const outputs = new StoredOutputs();
    const replacer = replacerFor(RUN_RECORD_SHAPE, redactor, namesSecretInput(record.plan.inputs, record.inputs, record.state.inputs), inputsRedactor, outputs);
    // The keys are stored as ***: a resume knows their lines by these, and so does a worker (its jobs carry them), for
    // a key given as an input too (`--input sshKey="$(cat id_ed25519)"`): a step printing part of it holds none of it.
    const digests = keyLineDigests(record.runId, [...keys, ...privateKeysIn(record.plan.inputs), ...privateKeysIn(record.inputs)]);
    const data = { version: 1 as const, format: RUN_RECORD_FORMAT, approvals: [], masked: { steps: [], rollbacks: [], inputs: [], outputs: [] }, ...withSecretInputKinds(record), ...(digests.length > 0 ? { keyLineDigests: digests } : {}) };
    const document = StoredDocument.create<RunRecord>({ file: path.join(dir, 'run.json'), data, replacer });
    noteMaskedParts(data, replacer);
    document.changed();
    // On disk before it is listed: another process may read it the moment the index names it.
    await document.flush();
    const run = new OpenRun(this, document, lock, redactor, false, replacer, outputs);
    await run.updateIndex();
    return run;
  }

  /** Opens an existing run for writing (resume, or rollback after a crash); a dead owner's lock is taken over. */
  async open(runId: string, command: string, options: { readonly inputs?: Readonly<Record<string, unknown>> } = {}): Promise<OpenRun> {
    if (!isRunId(runId)) throw new RunNotFoundError({ runId });
    const dir = runDir(this.home, runId);
    // The lock first, then one read: the record is the one as of taking the run over.
    const lock = await RunLock.acquire(dir, runId, command, this.warn).catch(async (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new RunNotFoundError({ runId });
      if (!RunBusyError.isInstance(error)) throw error;
      // The lock knows no run's Redis: a run that sent steps to workers is cancelled with its --redis, or refused.
      const redis = await this.read(runId).then((record) => record.redis, () => undefined);
      throw redis ? new RunBusyError({ runId, runDir: dir, owner: error.owner, cancel: runCommandHint('cancel', runId, redis) }) : error;
    });
    try {
      const record = await this.read(runId);
      const olderFormat = record.format === undefined;
      // Written from now on by this build, which records every rollback's start: an older build's record (its
      // possible rollback starts marked by read) is then read by today's rules after a later stop too.
      record.format = RUN_RECORD_FORMAT;
      // Secret inputs were stored as ***; the ones given again now must not be written either. Nor the lines of the
      // keys written into the plan, which this process knows only by their digests.
      const given = this.redactor.with(secretInputValues(options.inputs ?? {}));
      const keyLines = keyLineHider(runId, record.keyLineDigests);
      const redactor = keyLines ? given.alsoHiding(keyLines) : given;
      const outputs = new StoredOutputs();
      const replacer = replacerFor(RUN_RECORD_SHAPE, redactor, namesSecretInput(record.plan.inputs, record.inputs, record.state.inputs, options.inputs), redactor, outputs);
      const document = StoredDocument.create<RunRecord>({ file: path.join(dir, 'run.json'), data: record, replacer });
      noteMaskedParts(record, replacer);
      return new OpenRun(this, document, lock, redactor, olderFormat, replacer, outputs);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Reads a run without taking it. */
  async read(runId: string): Promise<RunRecord> {
    // Not a run's folder (index.json, .., a hidden name): no run, and nothing of the store is read or set aside.
    if (!isRunId(runId)) throw new RunNotFoundError({ runId });
    const dir = runDir(this.home, runId);
    let unreadable: string | undefined;
    const document = await StoredDocument.open<RunRecord | null>({
      file: path.join(dir, 'run.json'),
      schema: (await runRecords()).RunRecordSchema.nullable(),
      defaults: () => null,
      afterSetAside: '; this run cannot be shown or resumed, every other run can',
      // The warning has the parse error; the error says what it means for this run.
      onSetAside: (backup) => {
        unreadable = `its run.json is corrupt${backup ? `; the file is kept as ${backup}` : ''}`;
      },
      onWarning: this.warn,
    });
    await document.close();
    if (document.data === null) {
      unreadable ??= await setAsideBefore(dir);
      throw new RunNotFoundError({ runId, reason: unreadable ? `run ${runId} cannot be read: ${unreadable}` : undefined });
    }
    // Successes announced after run.json's last write are in the journal, and whether their outputs lost a secret.
    for (const [stepId, masked] of await replayJournal(dir, document.data.state)) {
      if (masked) noteMaskedOutput(document.data, stepId);
      else clearMaskedOutput(document.data, stepId);
    }
    markLegacyRollbackStart(document.data);
    if (document.data.redis !== undefined) document.data.redis = olderBuildRedisUrl(document.data.redis);
    return document.data;
  }

  /** Every run, newest first, with owners checked so crashed runs show as interrupted. */
  async list(): Promise<RunListing[]> {
    return (await this.newest()).runs;
  }

  /**
   * The newest `limit` runs (all without one), as `list` gives them, and how many runs there are in all: only
   * the shown runs' files are read (an interrupted run is read in full to know how it ended).
   */
  async newest(limit?: number): Promise<{ readonly runs: RunListing[]; readonly total: number }> {
    const all = (await this.indexedRuns()).sort(newestFirst);
    // A few at a time: a store of months holds thousands of interrupted runs, each read in full, and all at once
    // they would run out of open files (EMFILE) and memory.
    const listings = await mapLimit(
      limit === undefined ? all : all.slice(0, limit),
      LIST_READS_AT_ONCE,
      async (entry): Promise<RunListing> => {
        if (isFinished(entry.status)) return { ...entry, effectiveStatus: entry.status };
        const dir = runDir(this.home, entry.runId);
        const owner = await liveOwner(dir);
        if (owner) return { ...entry, effectiveStatus: entry.status, owner };
        // The index may have missed the last update (a crash right after the run ended): the run file decides.
        const record = await this.read(entry.runId).catch(() => undefined);
        const summary = record ? summarize(record) : entry;
        if (summary.status !== entry.status) await this.index.upsert(summary).catch(() => {});
        if (isFinished(summary.status)) return { ...summary, effectiveStatus: summary.status };
        // Where `ksa status` says it stopped too: its record's last entry, or a later line of a step it was running.
        const alive = await ownerLastAlive(this.logDir(entry.runId), 'interrupted', undefined);
        const stoppedAt = record && runStoppedAt(record, await cutShortSteps(this.logDir(entry.runId), record, 'interrupted', undefined, alive), alive);
        return { ...summary, effectiveStatus: summary.status === 'paused' ? 'paused' : 'interrupted', ...(stoppedAt ? { stoppedAt, ...(alive.unknown ? { stoppedAtKnown: false as const } : {}) } : {}) };
      },
    );
    return { runs: listings.sort(newestFirst), total: all.length };
  }

  /** The runs a live process is running now (their owners): only the index and their locks are read. */
  async liveRuns(): Promise<{ readonly runId: string; readonly owner: LockOwner }[]> {
    // Not only `running`: a run's index line says so a moment after its first step starts (a step that asks
    // this, `ksa mcp trust` inside a plan, can read it still pending); a live owner is what counts.
    const running = (await this.indexedRuns()).filter((entry) => entry.status === 'running' || entry.status === 'pending' || entry.status === 'paused');
    const owners = await mapLimit(running, LIST_READS_AT_ONCE, async (entry) => ({ runId: entry.runId, owner: await liveOwner(runDir(this.home, entry.runId)) }));
    return owners.flatMap(({ runId, owner }) => (owner ? [{ runId, owner }] : []));
  }

  /**
   * The index's runs whose folders still exist: nothing deletes runs but a user's `rm -rf`, which leaves
   * the index naming them. One readdir tells; the index file itself is left as it is (no write lock needed).
   */
  private async indexedRuns(): Promise<RunSummary[]> {
    const entries = await this.index.read();
    // Read after the index: a run's folder exists before the index names it, so a run created meanwhile is kept.
    const folders = await readdir(this.runsDir).catch(() => undefined);
    if (!folders) return entries;
    const present = new Set(folders);
    return entries.filter((entry) => present.has(entry.runId));
  }

  /** A run id from a unique prefix ("2026112" → the one run that starts so), or the latest run. */
  async resolve(idOrPrefix: string | undefined): Promise<string> {
    // Ids and their order are all it needs: no owners checked, no run files read.
    const runs = (await this.indexedRuns()).sort(newestFirst);
    if (idOrPrefix === undefined) {
      const latest = runs[0];
      if (!latest) throw new RunNotFoundError({ runId: '', reason: 'there are no runs yet (start one with: ksa run <plan>)' });
      return latest.runId;
    }
    if (!isRunId(idOrPrefix)) throw new RunNotFoundError({ runId: idOrPrefix });
    if (runs.some((run) => run.runId === idOrPrefix)) return idOrPrefix;
    const matches = runs.filter((run) => run.runId.startsWith(idOrPrefix));
    if (matches.length === 1) return matches[0]!.runId;
    if (matches.length > 1) {
      throw new RunNotFoundError({ runId: idOrPrefix, reason: `"${idOrPrefix}" matches ${matches.length} runs (${matches.slice(0, 3).map((run) => run.runId).join(', ')}…); give more of the id` });
    }
    // Not in the index (e.g. it was lost): the run directory may still exist.
    const dirs = await readdir(this.runsDir, { withFileTypes: true }).catch(() => []);
    if (dirs.some((entry) => entry.isDirectory() && entry.name === idOrPrefix)) return idOrPrefix;
    throw new RunNotFoundError({ runId: idOrPrefix });
  }

  /** A run by id, unique prefix or (undefined) the latest: its record and its status as a user should see it. */
  async inspect(idOrPrefix: string | undefined): Promise<{ runId: string; record: RunRecord; status: RunStatus; owner?: LockOwner }> {
    const runId = await this.resolve(idOrPrefix);
    const record = await this.read(runId);
    const found = await this.effectiveStatus(record);
    if (found.owner !== undefined || isFinished(found.status)) return { runId, record, ...found };
    // Its owner may have written the end and let go between the read and the check: read once more.
    const again = await this.read(runId);
    return { runId, record: again, ...(await this.effectiveStatus(again)) };
  }

  async effectiveStatus(record: RunRecord): Promise<{ status: RunStatus; owner?: LockOwner }> {
    const status = record.state.status;
    if (isFinished(status)) return { status };
    const owner = await liveOwner(runDir(this.home, record.runId));
    if (owner) return { status, owner };
    return { status: status === 'paused' ? 'paused' : 'interrupted' };
  }

  logDir(runId: string): string {
    return stepLogDir(this.home, runId);
  }

  /** @internal */
  updateIndex(record: RunRecord, redactor?: Redactor): Promise<void> {
    // The index is written with the store's redactor, which knows no run's secret inputs (a goal naming a password
    // given with --input): each line is hidden with its own run's first. Lines taken from run.json are hidden already.
    const summary = summarize(record);
    return this.index.upsert(redactor ? (JSON.parse(JSON.stringify(summary, recordReplacer(RUN_SUMMARY_SHAPE, () => redactor))) as RunSummary) : summary);
  }
}

function newestFirst(a: RunSummary, b: RunSummary): number {
  return b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId);
}
