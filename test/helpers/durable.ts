import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { describeResult, eventually, runKsa, type CliResult, type KsaOptions } from './cli.js';

/** Helpers for the end-to-end tests of the durable store (test/cli/durable-*.test.ts). */

export const CRASH_STEP_IDS = ['prepare', 'build-api', 'build-web', 'migrate', 'test-api', 'long', 'deploy', 'verify'] as const;

/**
 * Eight steps, some in parallel, each appending its id to ran.log; `prepare` and
 * `migrate` have rollbacks (appending to rolledback.log); `long` records its pid and
 * sleeps 30 s unless the file `fast` exists; `deploy` uses prepare's output.
 * Without `fast`, everything but long/verify is done after ~0.6 s.
 */
export const CRASH_PLAN = `goal: Crash and resume
steps:
  - id: prepare
    tool: shell
    args: { command: "sleep 0.05; echo prepare >> ran.log; echo token-from-prepare" }
    rollback: { tool: shell, args: { command: "echo prepare >> rolledback.log" } }
  - id: build-api
    tool: shell
    dependsOn: [prepare]
    args: { command: "sleep 0.15; echo build-api >> ran.log" }
  - id: build-web
    tool: shell
    dependsOn: [prepare]
    args: { command: "sleep 0.25; echo build-web >> ran.log" }
  - id: migrate
    tool: shell
    dependsOn: [prepare]
    args: { command: "sleep 0.1; echo migrate >> ran.log" }
    rollback: { tool: shell, args: { command: "echo migrate >> rolledback.log" } }
  - id: test-api
    tool: shell
    dependsOn: [build-api]
    args: { command: "sleep 0.15; echo test-api >> ran.log" }
  - id: long
    tool: shell
    dependsOn: [migrate]
    args: { command: "echo $$ >> long.pids; if [ -f fast ]; then sleep 0.05; else sleep 30; fi; echo long >> ran.log" }
  - id: deploy
    tool: shell
    dependsOn: [test-api, build-web]
    args: { command: "sleep 0.1; echo 'deploy {{ steps.prepare.output.stdout }}' >> deployed.txt; echo deploy >> ran.log" }
  - id: verify
    tool: shell
    dependsOn: [deploy, long]
    args: { command: "echo verify >> ran.log" }
`;

/** How often each line occurs in `dir/file` (a missing file counts as empty). */
export function lineCounts(dir: string, file = 'ran.log'): Map<string, number> {
  const counts = new Map<string, number>();
  const full = path.join(dir, file);
  if (!existsSync(full)) return counts;
  for (const line of readFileSync(full, 'utf8').split('\n')) {
    if (line === '') continue;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

/** Numbers, one a line, in `dir/file` (pid files). */
export function readPids(dir: string, file: string): number[] {
  const full = path.join(dir, file);
  if (!existsSync(full)) return [];
  return readFileSync(full, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

/** The ids of the runs in a KSA_HOME that have a run.json. */
export function runIdsOnDisk(home: string): string[] {
  const runs = path.join(home, 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs).filter((name) => existsSync(path.join(runs, name, 'run.json')));
}

export type StatusStep = { id: string; status: string; attempts: number; worker?: string; succeededOn?: string; durationMs?: number; error?: string; rollback?: { status: string }; logTail?: string[]; retryAt?: string; interrupted?: true; stoppedAt?: string; waitingForWorker?: true; waitingSince?: string; workerLabels?: string[] };
export type StatusDoc = { runId: string; goal: string; status: string; recordedStatus: string; owner?: { pid: number }; logDir: string; steps: StatusStep[]; error?: string };
export type RunsDoc = { runs: { runId: string; goal: string; status: string; recordedStatus: string; createdAt: string; startedAt?: string; endedAt?: string; steps: number; ownerPid?: number }[] };

/** Runs `ksa <args> --json` expecting exit 0 and one JSON document on stdout. */
export async function ksaJson<T>(args: readonly string[], options: KsaOptions): Promise<T> {
  const result = await runKsa([...args, '--json'], options);
  expect(result.code, describeResult(result)).toBe(0);
  return JSON.parse(result.stdout) as T;
}

export function statusOf(doc: StatusDoc, stepId: string): StatusStep {
  const step = doc.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new Error(`no step ${stepId} in ${JSON.stringify(doc)}`);
  return step;
}

/**
 * Waits until `ksa status [runId]` shows the step with `status`: what a process started afresh
 * finds in the store (run.json is written in groups, a moment after the event is printed).
 */
export async function waitForStoredStatus(runId: string | undefined, stepId: string, status: string, options: KsaOptions, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => (statusOf(await ksaJson<StatusDoc>(['status', ...(runId ? [runId] : [])], options), stepId).status === status ? true : undefined), timeoutMs);
}

/** Signals a process group, ignoring "no such process". */
export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Gone already.
    }
  }
}

export function expectExit(result: CliResult, code: number): void {
  expect(result.code, describeResult(result)).toBe(code);
}

/**
 * `first` (rollback writes rollback.marker), then `long` (records its pid; sleeps 30 s
 * unless the file `fast` exists; with `stubborn` it ignores SIGTERM), then `after`
 * (fails if the file `fail` exists, else writes first's output through a template).
 */
export function longPlan({ stubborn = false, slowRollbackMs = 0, rollbackGate = undefined as string | undefined, inputs = [] as readonly string[] } = {}): string {
  const ignore = stubborn ? "trap '' TERM; " : '';
  const rollbackSleep = (slowRollbackMs > 0 ? `sleep ${slowRollbackMs / 1000}; ` : '') + (rollbackGate ? gateWait(rollbackGate) : '');
  return `goal: Long run
${inputs.length > 0 ? `inputs: { ${inputs.map((name) => `${name}: ""`).join(', ')} }\n` : ''}steps:
  - id: first
    tool: shell
    args: { command: "echo first >> ran.log; echo first-output" }
    rollback: { tool: shell, args: { command: "${rollbackSleep}echo rolled back > rollback.marker" } }
  - id: long
    tool: shell
    dependsOn: [first]
    args: { command: "${ignore}echo $$ >> long.pids; if [ -f fast ]; then sleep 0.05; else sleep 30; fi; echo long >> ran.log" }
  - id: after
    tool: shell
    dependsOn: [long]
    args: { command: "if [ -f fail ]; then echo failing on purpose >&2; exit 1; fi; echo 'after got {{ steps.first.output.stdout }}' >> ran.log" }
`;
}

/**
 * Shell code that waits (at most 20 s) until the file `gate` exists in the step's folder: a rollback that stays
 * under way until the test has done what it needs meanwhile, however slowly a loaded machine starts a ksa command.
 */
export function gateWait(gate: string): string {
  return `i=0; while [ ! -f ${gate} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; `;
}

type StoredRun = { state: { status: string; steps: Record<string, { status: string; rollback?: { status: string }; rollbackStartedAt?: string }> } };

/** run.json of a run as it is on disk right now (undefined while missing or mid-rename). */
export function readRunFile(home: string, runId: string): StoredRun | undefined {
  try {
    return JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')) as StoredRun;
  } catch {
    return undefined;
  }
}

/** The pid in a run's owner.lock, if any. */
export function lockPid(home: string, runId: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(home, 'runs', runId, 'owner.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
