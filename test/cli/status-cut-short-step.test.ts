import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';

// A step whose process was killed stopped at its last output: `ksa status` of the interrupted run
// neither calls it running nor lets its duration grow with the clock.

const PLAN = `goal: Cut short
steps:
  - id: counting
    tool: shell
    args: { command: "echo $$ > step.pid; echo second 1; exec sleep 30" }
`;

let sandbox: CliSandbox;
let home: string;
let stepPid: number | undefined;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-status-cut-short-');
  home = sandbox.home;
  const planFile = await sandbox.writePlan('plan.yaml', PLAN);
  const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: sandbox.dir, timeoutMs: 20_000 });
  await ksa.waitForOutput((stdout) => stdout.includes('second 1'));
  await waitForStoredStatus(undefined, 'counting', 'running', { home });
  ksa.kill('SIGKILL');
  await ksa.result;
  const pidFile = path.join(sandbox.dir, 'step.pid');
  if (existsSync(pidFile)) stepPid = Number(readFileSync(pidFile, 'utf8').trim());
  // Time passes after the crash: a duration counted to now would have grown past it.
  await new Promise((resolve) => setTimeout(resolve, 1500));
});
afterAll(async () => {
  if (stepPid) killGroup(stepPid);
  await sandbox.cleanup();
});

describe('ksa status of a run whose process was killed mid-step', () => {
  it('--json: the step keeps its recorded status (running) and is marked interrupted, its duration up to its last output', async () => {
    const doc = await ksaJson<StatusDoc>(['status'], { home });
    expect(doc.status).toBe('interrupted');
    const step = statusOf(doc, 'counting');
    expect(step.status).toBe('running');
    expect(step.interrupted).toBe(true);
    expect(step.durationMs).toBeGreaterThanOrEqual(0);
    // Up to its last output, or the last time its process was known alive (its lock's heartbeat) if later.
    expect(step.durationMs).toBeLessThan(10_000);
    const again = await eventually(async () => {
      const later = statusOf(await ksaJson<StatusDoc>(['status'], { home }), 'counting');
      return later.stoppedAt === step.stoppedAt ? later : undefined;
    });
    expect(again.durationMs).toBe(step.durationMs);
  });

  it('text: the step shows interrupted with a duration that stopped at its last output', async () => {
    const result = await runKsa(['status'], { home });
    expectExit(result, 0);
    const row = nonEmptyLines(result.stdout).find((line) => line.trimStart().startsWith('counting'));
    expect(row).toMatch(/^\s+counting\s+interrupted\s+1\s+\d+(ms|(\.\d)?s)\s*$/);
  });
});
