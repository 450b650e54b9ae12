import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Execution, initialRunState, type RunEvent } from '../src/planning/index.js';
import { ConversationStore, PrivateJSONFile, RunStore } from '../src/store/index.js';
import { overheadPlan } from './overhead.js';
import { collectGarbage, median, round } from './stats.js';

export type StoreResults = {
  /** 10k no-op steps with the run persisted ÷ the same run in memory only. */
  readonly ratio10k: number;
  readonly msPersisted10k: number;
  readonly msMemory10k: number;
  /** Whole-file writes of run.json during the persisted run (group commit: far fewer than its 20k events). */
  readonly writes10k: number;
  /** append + flush of message 10,000 ÷ of message 10. */
  readonly appendRatio10kTo10: number;
  readonly appendMs10: number;
  readonly appendMs10k: number;
};

const STEPS = 10_000;

/**
 * P5: what durability costs. The same 10k-step run with and without the
 * store, in one process; and the cost of one more message in a short and in a
 * 10,000-message conversation (each append waits for its write).
 */
export async function measureStore(rounds: number, options: { readonly outputBytes?: number } = {}): Promise<StoreResults> {
  const home = await mkdtemp(path.join(tmpdir(), 'ksa-bench-store-'));
  try {
    const plan = overheadPlan('random', STEPS, 7);
    // Each step's output as a tool prints it: what the record stores (and hides secrets in) at every write.
    const output = options.outputBytes ? { stdout: printedLines(options.outputBytes), stderr: '', exitCode: 0 } : null;
    const invokeTool = () => Promise.resolve(output);
    const memory: number[] = [];
    const persisted: number[] = [];
    let writes = 0;
    // One round of each, not counted: both sides measured with warm code.
    await timeInMemory(plan, invokeTool);
    await timePersisted(plan, home, -1, invokeTool);
    for (let round = 0; round < rounds; round++) {
      memory.push(await timeInMemory(plan, invokeTool));
      const result = await timePersisted(plan, home, round, invokeTool);
      persisted.push(result.ms);
      writes = result.writes;
    }
    const appends = await timeAppends(home);
    const msMemory10k = median(memory);
    const msPersisted10k = median(persisted);
    return {
      ratio10k: round(msPersisted10k / msMemory10k, 2),
      msPersisted10k: round(msPersisted10k, 1),
      msMemory10k: round(msMemory10k, 1),
      writes10k: writes,
      appendRatio10kTo10: round(appends.at10k / appends.at10, 2),
      appendMs10: round(appends.at10, 3),
      appendMs10k: round(appends.at10k, 3),
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

type Invoke = () => Promise<unknown>;

/** About `bytes` of ordinary log lines, without any secret: what most steps print. */
function printedLines(bytes: number): string {
  const line = 'step finished: 12 files checked, 0 warnings, image sha256:4f1c2a9e ready\n';
  return line.repeat(Math.max(1, Math.round(bytes / line.length)));
}

async function timeInMemory(plan: ReturnType<typeof overheadPlan>, invokeTool: Invoke): Promise<number> {
  collectGarbage();
  const started = performance.now();
  await new Execution({ plan, runId: 'memory', invokeTool }).start();
  return performance.now() - started;
}

async function timePersisted(plan: ReturnType<typeof overheadPlan>, home: string, round: number, invokeTool: Invoke): Promise<{ ms: number; writes: number }> {
  collectGarbage();
  const store = new RunStore(home);
  const runId = `bench-${round}`;
  const writes = countWrites((file) => file.endsWith(path.join(runId, 'run.json')));
  try {
    const started = performance.now();
    const run = await store.create(
      { runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: home, plan, inputs: {}, allowedEnv: [], state: initialRunState(runId, plan.goal, plan.steps.map((step) => step.id), {}) },
      'bench',
    );
    let record: (event: RunEvent) => void = () => {};
    const execution = new Execution({ plan, runId, invokeTool, onEvent: (event) => record(event), commitSuccess: (stepId) => run.commitSuccess(stepId) });
    record = run.attach(execution);
    await execution.start();
    await run.close();
    return { ms: performance.now() - started, writes: writes.count };
  } finally {
    writes.stop();
  }
}

/** Counts whole-file writes of matching documents (each is a full rewrite: what group commit saves). */
function countWrites(matches: (file: string) => boolean): { count: number; stop: () => void } {
  const original = PrivateJSONFile.prototype.write;
  const counter = { count: 0, stop: () => void (PrivateJSONFile.prototype.write = original) };
  PrivateJSONFile.prototype.write = function (this: PrivateJSONFile<unknown>, data: unknown) {
    if (matches(this.filename)) counter.count++;
    return original.call(this, data);
  };
  return counter;
}

async function timeAppends(home: string): Promise<{ at10: number; at10k: number }> {
  const store = new ConversationStore(home);
  const conversation = await store.create({ title: 'bench' });
  const sample = async (): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      conversation.append({ kind: 'user', text: `deploy the shop on port ${8000 + i}, and tell me when it is healthy` });
      await conversation.flush();
      times.push(performance.now() - started);
    }
    return median(times);
  };
  for (let i = 0; i < 10; i++) conversation.append({ kind: 'assistant', text: `message ${i}` });
  await conversation.flush();
  const at10 = await sample();
  for (let i = conversation.info.messageCount; i < 10_000; i++) conversation.append({ kind: 'assistant', text: `message ${i}: the build step finished in 12.3 s with 0 warnings` });
  await conversation.flush();
  const at10k = await sample();
  await conversation.close();
  return { at10, at10k };
}
