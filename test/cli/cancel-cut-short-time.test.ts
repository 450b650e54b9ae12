import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';

// A run killed (kill -9) while a step ran, then cancelled: the step stopped when its process died, not when the
// cancel (started later) recorded it cancelled.

const PLAN = `goal: Cut short then cancelled
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ > step.pid; echo started; touch started; exec sleep 60" }
    rollback: { tool: shell, args: { command: "echo undone" } }
`;

let sandbox: CliSandbox;
const stepPids: number[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-cut-short-time-');
});
afterAll(async () => {
  for (const pid of stepPids) killGroup(pid);
  await sandbox.cleanup();
});

type CutShortStep = StatusDoc['steps'][number] & { startedAt?: string; endedAt?: string; durationMs?: number; cutShort?: boolean };

describe('ksa cancel of a run whose process died while a step ran', () => {
  it('records the step as ended when it was cut short and rolled back: ksa status says "cut short after …; rolled back", its duration ends before the cancel began', async () => {
    const planFile = await sandbox.writePlan('cut/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    const { home } = sandbox;
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'started')) ? true : undefined), 10_000);
    // Its record says it runs (written a moment after the step starts).
    await waitForStoredStatus(undefined, 'slow', 'running', { home });
    ksa.kill('SIGKILL');
    await ksa.result;
    stepPids.push(Number(readFileSync(path.join(dir, 'step.pid'), 'utf8').trim()));
    const { runId } = await ksaJson<StatusDoc>(['status'], { home });

    const beforeCancel = Date.now();
    expectExit(await runKsa(['cancel', runId, '--yes'], { home, timeoutMs: 30_000 }), 0);

    const doc = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(doc.status).toBe('cancelled');
    const step = statusOf(doc, 'slow') as CutShortStep;
    expect(step.status).toBe('cancelled');
    expect(step.cutShort).toBe(true);
    // Its attempt may have done its work: the cancel undid it.
    expect(step.rollback?.status).toBe('succeeded');
    // Its process was gone before this test started the cancel: the step cannot have ended later.
    expect(Date.parse(step.endedAt!)).toBeLessThanOrEqual(beforeCancel);
    expect(step.durationMs).toBe(Date.parse(step.endedAt!) - Date.parse(step.startedAt!));
    const text = await runKsa(['status', runId], { home });
    expectExit(text, 0);
    expect(nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('slow'))).toMatch(/^\s+slow\s+cancelled\s+1\s+(\S+)\s+cut short after \1 \(the process running it died\); rolled back$/);
  });
});
