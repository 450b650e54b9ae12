import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';

// A run killed (kill -9) while a step waited for its retry, then cancelled: the step still says why its last
// attempt failed, as a live cancel leaves it.

const PLAN = `goal: Waiting for a retry when its process died
steps:
  - id: flaky
    tool: shell
    args: { command: "echo refused by the registry >&2; exit 4" }
    retry: { maxAttempts: 3, initialDelayMs: 600000, maxDelayMs: 600000 }
`;

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-waiting-retry-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe('ksa cancel of a run whose process died while a step waited for its retry', () => {
  it('keeps the error of its last attempt: in ksa status --json and in its DETAIL', async () => {
    const planFile = await sandbox.writePlan('retry/plan.yaml', PLAN);
    const { home } = sandbox;
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    await ksa.waitForOutput((stdout) => stdout.includes('"step_retrying"'), 20_000);
    await waitForStoredStatus(undefined, 'flaky', 'running', { home });
    const { runId } = await ksaJson<StatusDoc>(['status'], { home });
    // Its record says it waits for its retry (written a moment after the event).
    await eventually(async () => statusOf(await ksaJson<StatusDoc>(['status', runId], { home }), 'flaky').retryAt, 10_000);
    ksa.kill('SIGKILL');
    await ksa.result.catch(() => undefined);

    expectExit(await runKsa(['cancel', runId, '--yes'], { home, timeoutMs: 30_000 }), 0);

    const doc = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(doc.status).toBe('cancelled');
    const flaky = statusOf(doc, 'flaky') as StatusDoc['steps'][number] & { cutShort?: boolean };
    expect(flaky).toMatchObject({ status: 'cancelled', error: 'command exited with code 4: refused by the registry' });
    // No attempt of it ran when its process died: nothing of it was cut short.
    expect(flaky.cutShort).toBeUndefined();
    const text = await runKsa(['status', runId], { home });
    expect(nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('flaky'))).toMatch(/\scancelled\s.*\s{2}last failure: command exited with code 4: refused by the registry$/);
  });
});
