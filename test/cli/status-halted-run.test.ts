import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveRun } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore, stepLogFile } from '../../src/store/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { eventually, nonEmptyLines, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { expectExit, ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';

// A run whose process stopped at once and left it paused (the chat's /quit cut short by Ctrl-C) recorded when it
// stopped: its running step ran until then, not until its last line of output, and it started "ago" from now.

const sandbox = useCliSandbox('ksa-status-halted-');

const TEN_MINUTES = 10 * 60_000;
const earlier = (iso: string | undefined) => (iso === undefined ? undefined : new Date(Date.parse(iso) - TEN_MINUTES).toISOString());

/** A run left paused by a stop at once while its step ran; its record and log moved ten minutes back, its only line of output at the step's start. */
async function haltedPausedRun(): Promise<{ runId: string }> {
  const runs = new RunStore(sandbox.home);
  const plan = PlanSchema.parse({ goal: 'Left paused', steps: [{ id: 'slow', tool: 'shell', args: { command: 'echo started; exec sleep 30' } }] });
  const runId = 'halted-run';
  const run = await runs.create({ runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: sandbox.dir, plan, inputs: {}, allowedEnv: [], state: initialRunState(runId, plan.goal, ['slow'], {}) }, 'test');
  let printed = false;
  const handle = await driveRun({ run, registry: createBuiltinRegistry(), mode: 'fresh', onEvent: (event) => void (event.type === 'step_output' && (printed = true)) });
  await eventually(() => (printed ? true : undefined), 10_000);
  await handle.stopNow('paused');
  await handle.done.catch(() => undefined);
  const file = path.join(sandbox.home, 'runs', runId, 'run.json');
  const record = JSON.parse(readFileSync(file, 'utf8')) as { state: { startedAt?: string; endedAt?: string; steps: Record<string, { startedAt?: string }> } };
  const { state } = record;
  expect(state.endedAt).toBeDefined();
  state.startedAt = earlier(state.startedAt);
  state.endedAt = earlier(state.endedAt);
  state.steps.slow!.startedAt = earlier(state.steps.slow!.startedAt);
  writeFileSync(file, JSON.stringify(record));
  const at = new Date(Date.parse(state.steps.slow!.startedAt!));
  utimesSync(stepLogFile(run.logDir, 'slow'), at, at);
  return { runId };
}

type TimedStep = StatusDoc['steps'][number] & { startedAt?: string; durationMs?: number; stoppedAt?: string };

describe('ksa status of a paused run its process stopped at once', () => {
  it("counts the cut-short step to the run's recorded stop, and says how long ago it started from now", async () => {
    const { runId } = await haltedPausedRun();
    const doc = await ksaJson<StatusDoc & { endedAt?: string }>(['status', runId], { home: sandbox.home });
    expect(doc.status).toBe('paused');
    const step = statusOf(doc, 'slow') as TimedStep;
    expect(step.stoppedAt).toBe(doc.endedAt);
    expect(step.durationMs).toBe(Date.parse(doc.endedAt!) - Date.parse(step.startedAt!));
    expect(step.durationMs).toBeGreaterThan(0);

    const text = await runKsa(['status', runId], { home: sandbox.home });
    expectExit(text, 0);
    // Ten minutes back, and it ran for well under one: "ago" is from now, the stop says how long it ran.
    expect(text.stdout).toMatch(/^ {2}started \S+ \S+ · 10m\d\ds ago$/m);
    expect(text.stdout).toMatch(/^ {2}stopped \S+ \S+ · after \d+(\.\d)?m?s$/m);
    expect(nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('slow'))).toMatch(/^\s+slow\s+interrupted\s+1\s+\d+(\.\d)?m?s\s*$/);
  });
});
