import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';

// A run killed (kill -9) while a step printed nothing ran until its process died, not until its last record:
// its owner's lock, touched while it lived, says when that was. An older ksa's lock does not: the time is said
// to be a lower bound, never a precise wrong figure.

const PLAN = `goal: Quiet step
steps:
  - id: quiet
    tool: shell
    args: { command: "echo $$ > step.pid; exec sleep 30" }
`;

let sandbox: CliSandbox;
const stepPids: number[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-status-stopped-time-');
});
afterAll(async () => {
  for (const pid of stepPids) killGroup(pid);
  await sandbox.cleanup();
});

type Stopped = StatusDoc & { stoppedAt?: string; durationMs?: number; stoppedAtKnown?: boolean };

/** A run of PLAN in its own home, killed about 3 s after its quiet step started. */
async function killedQuietRun(name: string): Promise<{ home: string; runId: string }> {
  const home = path.join(sandbox.home, name);
  const dir = path.join(sandbox.dir, name);
  const planFile = await sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 30_000 });
  await waitForStoredStatus(undefined, 'quiet', 'running', { home });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  ksa.kill('SIGKILL');
  await ksa.result;
  const pidFile = path.join(dir, 'step.pid');
  if (existsSync(pidFile)) stepPids.push(Number(readFileSync(pidFile, 'utf8').trim()));
  const { runId } = await ksaJson<StatusDoc>(['status'], { home });
  return { home, runId };
}

describe('the times of a run killed while a step printed nothing', () => {
  it('count to when its process was last alive: ksa status (text and --json) and ksa runs say it ran about 3 s, not 0 ms', async () => {
    const { home } = await killedQuietRun('heartbeat');
    const doc = await ksaJson<Stopped>(['status'], { home });
    expect(doc.status).toBe('interrupted');
    expect(doc.durationMs).toBeGreaterThanOrEqual(1500);
    expect(doc.stoppedAtKnown).toBeUndefined();
    expect(statusOf(doc, 'quiet').durationMs).toBeGreaterThanOrEqual(1500);
    const text = await runKsa(['status'], { home });
    expectExit(text, 0);
    expect(text.stdout).toMatch(/^ {2}stopped \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · after \d+(\.\d)?s$/m);
    expect(nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('quiet'))).toMatch(/^\s+quiet\s+interrupted\s+1\s+\d+(\.\d)?s\s*$/);
    const runs = await runKsa(['runs'], { home });
    expect(nonEmptyLines(runs.stdout)[1]).toMatch(/interrupted\s+\S+ ago\s+\d+(\.\d)?s\s+1\s+Quiet step/);
  });

  it('left by an older ksa, whose lock says nothing of when it died, are said to be lower bounds', async () => {
    const { home, runId } = await killedQuietRun('older-lock');
    // What an older ksa leaves: its owner record only, the lock's time that of the run's start.
    const lock = path.join(home, 'runs', runId, 'owner.lock');
    const { heartbeatMs: _, ...owner } = JSON.parse(readFileSync(lock, 'utf8')) as Record<string, unknown>;
    writeFileSync(lock, JSON.stringify(owner));
    const doc = await ksaJson<Stopped>(['status'], { home });
    expect(doc.stoppedAtKnown).toBe(false);
    const text = await runKsa(['status'], { home });
    expect(text.stdout).toMatch(/^ {2}stopped at or after \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · after at least \S+$/m);
    expect(nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('quiet'))).toMatch(/^\s+quiet\s+interrupted\s+1\s+≥ \S+\s*$/);
    expect(nonEmptyLines((await runKsa(['runs'], { home })).stdout)[1]).toMatch(/interrupted\s+\S+ ago\s+≥ \S+\s+1\s+Quiet step/);
  });
});
