import { createHash } from 'node:crypto';
import path from 'node:path';
import { durationStats, estimateRemaining, type DurationStats, type RunEstimate } from '../planning/estimate.js';
import type { Plan, Step } from '../planning/schema.js';
import type { RunStatus } from '../planning/state.js';
import { compileTemplate, renderTemplate } from '../planning/templates.js';
import { isRecord } from '../planning/values.js';
import type { RunRecord } from './run-record.js';
import { withFileLock } from './file-lock.js';
import { ensurePrivateDir } from './paths.js';
import { setAside } from './set-aside.js';
import { PrivateJSONFile } from './private-json-file.js';
import { looksSecret, REDACTED } from './redact.js';

/** Durations kept per key (the most recent). */
export const DURATIONS_KEPT = 10;
/** Keys kept in the file at most; the least recently updated go first. */
const MAX_KEYS = 5000;
const FILE = 'durations.json';

type DurationsFile = { readonly version: 1; readonly steps: Record<string, number[]> };

/** The two keys a step's durations are filed under: this exact step of this plan, and any step of that id and tool. */
export type StepDurationKeys = { readonly exact: string; readonly loose: string };

/**
 * How long steps took, learned from every run (`$KSA_HOME/durations.json`):
 * a step's key is its plan's goal, id, tool and a hash of its arguments as
 * rendered with the run's inputs (secret-looking inputs left out); a looser
 * key (id + tool) serves a step whose arguments changed. Only hashes and
 * numbers are stored.
 */
export class StepDurations {
  private readonly file: string;
  /** 0600, written through a synced temp file and a rename, like every other file of the store. */
  private readonly document: PrivateJSONFile<Partial<DurationsFile>>;

  /** `onWarning` is told, in one line, when a corrupt file was moved aside. */
  constructor(
    readonly home: string,
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.file = path.join(home, FILE);
    this.document = new PrivateJSONFile(this.file);
  }

  /** Each step's stats: from its exact key when it has history, else from its loose key. */
  async statsFor(plan: Plan, inputs: Readonly<Record<string, unknown>>): Promise<Map<string, DurationStats>> {
    const { steps } = await this.read();
    const stats = new Map<string, DurationStats>();
    for (const step of plan.steps) {
      const keys = stepDurationKeys(plan, step, inputs);
      const found = durationStats(steps[keys.exact] ?? []) ?? durationStats(steps[keys.loose] ?? []);
      if (found) stats.set(step.id, found);
    }
    return stats;
  }

  /** Adds finished steps' durations (one read-modify-write, under a lock shared by every ksa process). */
  async record(entries: readonly { readonly keys: StepDurationKeys; readonly durationMs: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await ensurePrivateDir(this.home);
    await withFileLock(`${this.file}.lock`, async () => {
      const { data, corrupt } = await this.load();
      // Kept for the user to look at, as every other file of the store: only the estimates start over.
      if (corrupt) await setAside(this.file, corrupt, 'started it afresh (step durations are learned again from this run on)', this.onWarning);
      const steps = { ...data.steps };
      for (const { keys, durationMs } of entries) {
        for (const key of [keys.exact, keys.loose]) {
          const list = (steps[key] ?? []).concat(Math.max(0, Math.round(durationMs))).slice(-DURATIONS_KEPT);
          // Re-inserted so the object's order is "least recently updated first".
          delete steps[key];
          steps[key] = list;
        }
      }
      const keys = Object.keys(steps);
      for (const key of keys.slice(0, Math.max(0, keys.length - MAX_KEYS))) delete steps[key];
      await this.document.write({ version: 1, steps } satisfies DurationsFile);
    });
  }

  /** Missing or unreadable: no history, so no estimates (`record` moves an unreadable file aside). */
  private async read(): Promise<DurationsFile> {
    return (await this.load()).data;
  }

  private async load(): Promise<{ data: DurationsFile; corrupt?: string }> {
    const empty: DurationsFile = { version: 1, steps: {} };
    let data: Partial<DurationsFile> | null;
    try {
      data = await this.document.read();
    } catch (error) {
      return { data: empty, corrupt: `is unreadable (${(error as Error).message})` };
    }
    if (data === null) return { data: empty };
    if (!isRecord(data) || !isRecord(data.steps) || !Object.values(data.steps).every(isDurationList)) return { data: empty, corrupt: 'has unexpected content' };
    return { data: { version: 1, steps: data.steps as Record<string, number[]> } };
  }
}

export function stepDurationKeys(plan: Plan, step: Step, inputs: Readonly<Record<string, unknown>>): StepDurationKeys {
  const tool = step.type === 'llm_query' ? 'llm_query' : step.type === 'condition' ? 'condition' : step.tool;
  const args = step.type === 'llm_query' ? step.prompt : step.type === 'condition' ? step.when : step.args;
  const hash = createHash('sha256').update(JSON.stringify([plan.goal, step.id, tool, renderedArgs(args, { ...plan.inputs, ...inputs })])).digest('hex').slice(0, 24);
  return { exact: `step:${hash}`, loose: `id:${step.id}:${tool}` };
}

/** The arguments with the run's inputs filled in; those that read other steps' outputs stay as written. */
function renderedArgs(args: unknown, inputs: Readonly<Record<string, unknown>>): unknown {
  const shown = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, looksSecret(name) ? REDACTED : value]));
  try {
    return renderTemplate(compileTemplate(args), { steps: {}, inputs: shown, env: {} });
  } catch {
    return args;
  }
}

/**
 * What earlier runs say of a stored run that runs or is paused, from one read of the durations: each
 * step's usual duration (`stats`, by step id) and the time left (`estimate`). `owned`: a process runs it; without
 * one, a step recorded running was cut short and runs again from the start on resume.
 */
export async function storedRunOutlook(
  home: string,
  record: RunRecord,
  status: RunStatus,
  owned: boolean,
  now = Date.now(),
): Promise<{ readonly stats?: ReadonlyMap<string, DurationStats>; readonly estimate?: RunEstimate }> {
  if (status !== 'running' && status !== 'paused') return {};
  const stats = await new StepDurations(home).statsFor(record.plan, { ...record.inputs, ...record.state.inputs });
  // A run that failed or was cancelled is stopping or rolling back: the steps left will not run.
  if (record.state.error !== undefined || stats.size === 0) return { stats };
  const estimate = estimateRemaining(
    record.plan,
    (id) => {
      const st = record.state.steps[id];
      if (st?.status === 'running' && !owned) return { status: 'pending' };
      return st && { status: st.status, startedAtMs: st.startedAt ? Date.parse(st.startedAt) : undefined };
    },
    stats,
    now,
    record.maxParallel,
  );
  return { stats, estimate };
}

function isDurationList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0);
}
