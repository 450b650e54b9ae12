import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eventually, parseNdjson, startKsa, type CliSandbox, type KsaProcess } from './cli.js';
import { longPlan, readPids, readRunFile } from './durable.js';

export type LongRun = { readonly ksa: KsaProcess; readonly dir: string; readonly home: string; readonly runId: string; readonly longPid: number };

/**
 * Starts `ksa run --yes --json` on longPlan() in its own dir and KSA_HOME, and resolves
 * once run.json records `first` succeeded and `long` running (its pid known).
 * Every pid seen is added to `leftovers` for the test file's cleanup.
 */
/** `inputs`: declared by the plan (default "") and given with --input. */
export async function startLongRun(sandbox: CliSandbox, name: string, leftovers: Set<number>, options: { stubborn?: boolean; slowRollbackMs?: number; rollbackGate?: string; inputs?: Readonly<Record<string, string>> } = {}): Promise<LongRun> {
  const given = Object.entries(options.inputs ?? {});
  const planFile = await sandbox.writePlan(`${name}/plan.yaml`, longPlan({ ...options, inputs: given.map(([key]) => key) }));
  const dir = path.dirname(planFile);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  const ksa = startKsa(['run', planFile, '--yes', '--json', ...given.flatMap(([key, value]) => ['--input', `${key}=${value}`])], { home, cwd: dir, timeoutMs: 25_000 });
  leftovers.add(ksa.pid);
  await ksa.waitForOutput((stdout) => stdout.includes('"run_started"'), 10_000);
  const runId = parseNdjson(ksa.stdout().split('\n')[0]! + '\n')[0]!.runId;
  const longPid = await eventually(() => readPids(dir, 'long.pids')[0], 10_000);
  leftovers.add(longPid);
  await eventually(() => {
    const run = readRunFile(home, runId);
    return run?.state.steps.first?.status === 'succeeded' && run.state.steps.long?.status === 'running' ? true : undefined;
  }, 10_000);
  return { ksa, dir, home, runId, longPid };
}

/**
 * `ksa run --yes --json` of a plan written to `name/plan.yaml`, killed with SIGKILL once run.json records `s2`
 * running (its pid in long.pids): the crashed run a resume or a cancel then finds.
 */
export async function crashedWhileS2Runs(sandbox: CliSandbox, name: string, plan: string, leftovers: Set<number>, options: { args?: readonly string[]; env?: Record<string, string> } = {}): Promise<{ file: string; dir: string; home: string; runId: string }> {
  const file = await sandbox.writePlan(`${name}/plan.yaml`, plan);
  const dir = path.dirname(file);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  const ksa = startKsa(['run', file, '--yes', '--json', ...(options.args ?? [])], { home, cwd: dir, env: options.env ?? {}, timeoutMs: 25_000 });
  leftovers.add(ksa.pid);
  await ksa.waitForOutput((stdout) => stdout.includes('"run_started"'), 10_000);
  const runId = parseNdjson(ksa.stdout().split('\n')[0]! + '\n')[0]!.runId;
  leftovers.add(await eventually(() => readPids(dir, 'long.pids')[0], 10_000));
  await eventually(() => (readRunFile(home, runId)?.state.steps.s2?.status === 'running' ? true : undefined), 10_000);
  ksa.kill('SIGKILL');
  await ksa.result;
  return { file, dir, home, runId };
}
