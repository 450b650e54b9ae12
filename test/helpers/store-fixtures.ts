import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { initialRunState, type Plan } from '../../src/planning/index.js';
import { PrivateJSONFile } from '../../src/store/private-json-file.js';
import type { RunRecord } from '../../src/store/run-record.js';
import { REPO_ROOT } from './cli.js';

/** Helpers for the store's unit/integration tests (test/store): records, dead pids, write observation, modes. */

/** A valid plan of `count` shell steps a -> b -> c … (the first one has a rollback). */
export function chainPlan(goal = 'Store test', count = 2): Plan {
  const ids = Array.from({ length: count }, (_, i) => String.fromCharCode(97 + i));
  return {
    goal,
    inputs: {},
    steps: ids.map((id, i) => ({
      id,
      tool: 'shell',
      args: { command: `echo ${id}` },
      dependsOn: i === 0 ? [] : [ids[i - 1]!],
      ...(i === 0 ? { rollback: { tool: 'shell', args: { command: 'echo undo' } } } : {}),
    })),
  } as Plan;
}

/** What RunStore.create takes: a fresh run of `plan`. */
export function newRunRecord(runId: string, options: { plan?: Plan; createdAt?: string; inputs?: Record<string, unknown>; workspace?: string } = {}): Omit<RunRecord, 'version' | 'approvals'> {
  const plan = options.plan ?? chainPlan();
  const inputs = options.inputs ?? {};
  return {
    runId,
    goal: plan.goal,
    createdAt: options.createdAt ?? new Date().toISOString(),
    workspace: options.workspace ?? '/tmp',
    plan,
    inputs,
    allowedEnv: [],
    state: initialRunState(
      runId,
      plan.goal,
      plan.steps.map((step) => step.id),
      { ...plan.inputs, ...inputs },
    ),
  };
}

/** The pid of a process that existed a moment ago and has exited (and been reaped) since. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.once('close', resolve));
  return pid;
}

/** Runs an ES module snippet in a fresh Node process; `store` in the snippet is dist/src/store/index.js. Resolves with stdout. */
export function runStoreScript(code: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const storeUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src/store/index.js')).href;
  const source = `const store = await import(${JSON.stringify(storeUrl)});\n${code}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ code: exitCode, stdout, stderr }));
  });
}

/** Permission bits of a path, e.g. 0o600. */
export async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

/** Every path under `root` (not root itself), depth first, relative to root. */
export async function walk(root: string): Promise<{ rel: string; dir: boolean }[]> {
  const out: { rel: string; dir: boolean }[] = [];
  const visit = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      out.push({ rel: path.relative(root, full), dir: entry.isDirectory() });
      if (entry.isDirectory()) await visit(full);
    }
  };
  await visit(root);
  return out;
}

export type WriteObserver = {
  /** Writes started, per file. */
  count(file?: string): number;
  /** Most writes in flight at once for one file. */
  readonly maxInFlight: number;
  /** Makes every write wait this long before it starts (to widen the in-flight window). */
  delayMs: number;
  restore(): void;
};

/** Spies on PrivateJSONFile.prototype.write (the adapter every StoredDocument writes through). */
export function observeWrites(): WriteObserver {
  const original = PrivateJSONFile.prototype.write;
  const counts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const observer = {
    maxInFlight: 0,
    delayMs: 0,
    count: (file?: string) => (file === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(file) ?? 0)),
    restore: () => spy.mockRestore(),
  };
  const spy = vi.spyOn(PrivateJSONFile.prototype, 'write').mockImplementation(async function (this: PrivateJSONFile<unknown>, data: unknown) {
    const file = this.filename;
    counts.set(file, (counts.get(file) ?? 0) + 1);
    const now = (inFlight.get(file) ?? 0) + 1;
    inFlight.set(file, now);
    observer.maxInFlight = Math.max(observer.maxInFlight, now);
    try {
      if (observer.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, observer.delayMs));
      await original.call(this, data);
    } finally {
      inFlight.set(file, (inFlight.get(file) ?? 1) - 1);
    }
  });
  return observer;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
