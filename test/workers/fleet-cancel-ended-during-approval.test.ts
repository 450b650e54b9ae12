import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { ksaJson, statusOf, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState } from '../helpers/fleet.js';
import { spawnKsaPty } from '../helpers/pty.js';

// ksa cancel of a run whose coordinator died (kill -9) asks y/N before it rolls back; a step its worker runs to
// its end while the question is open is recorded as it ended there (succeeded) and rolled back with the others.

const fleet = fleetScenarios('ksa-fleet-cancel-ended-during-approval-');

const PLAN = `goal: A step that ends while the cancel asks
runsOn: [web]
steps:
  - id: early
    tool: shell
    args: { command: "echo early" }
    rollback: { tool: shell, args: { command: "echo rb-early >> ran.log" } }
  - id: app
    dependsOn: [early]
    tool: shell
    args: { command: "touch app.started; while [ ! -f app.go ]; do sleep 0.1; done; echo v2" }
    rollback: { tool: shell, args: { command: "echo rb-app-'{{ steps.app.output.stdout }}' >> ran.log" } }
`;

describe('ksa cancel of a dead run, a step ending on its worker while the rollback is asked', () => {
  it('is recorded succeeded, said, and rolled back (with its output) before the steps that ended before it', async () => {
    const { redis, dir, home } = await fleet.setup('asked', ['w1'], { labels: ['web'], concurrency: 2 });
    const planFile = await fleet.sandbox.writePlan('asked/plan.yaml', PLAN);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    await eventually(() => (existsSync(path.join(dir, 'app.started')) ? true : undefined), 20_000);
    const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
    await waitForStoredStatus(runId, 'app', 'running', { home, cwd: dir });
    run.kill('SIGKILL');
    await run.result.catch(() => undefined);

    const terminal = spawnKsaPty(['cancel', runId, '--redis', redis.url], { home, cwd: dir, cols: 250, timeoutMs: 60_000 });
    try {
      await terminal.waitForOutput('[y/N]', 20_000);
      expect(await terminal.screen()).toContain('Cancelling rolls back, newest first: early.');
      writeFileSync(path.join(dir, 'app.go'), '');
      await waitForJobState(redis.url, 'steps-web', `${runId}.app.1`, 'completed');
      terminal.write('y\r');
      expect((await terminal.exited).exitCode).toBe(0);
      expect(await terminal.screen()).toContain('Ended on its worker meanwhile, rolled back too: app. Rolling back, newest first: app, early.');
    } finally {
      terminal.dispose();
    }
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n')).toEqual(['rb-app-v2', 'rb-early']);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('cancelled');
    expect(statusOf(status, 'app')).toMatchObject({ status: 'rolled_back', worker: 'w1', rollback: { status: 'succeeded' } });
  }, 120_000);
});
