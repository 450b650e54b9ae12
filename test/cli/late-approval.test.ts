import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup, lineCounts, readRunFile } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';
import { spawnKsaPty } from '../helpers/pty.js';

// Two terminals on one interrupted run: one asks `ksa resume` (or `ksa cancel`) and leaves its
// [y/N] question open; the other ends the run meanwhile. The late yes must not act on a run that
// is not the one it was shown: it runs (or rolls back) nothing and says why.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-late-approval-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** An interrupted run: `first` succeeded, `long` was running when its ksa was killed (kill -9). */
async function interruptedRun(name: string, slowRollbackMs = 0) {
  const long = await startLongRun(sandbox, name, leftovers, { slowRollbackMs });
  long.ksa.kill('SIGKILL');
  await long.ksa.result;
  killGroup(long.longPid);
  writeFileSync(path.join(long.dir, 'fast'), '');
  return long;
}

describe('two terminals on one interrupted run', () => {
  it('ksa resume, answered after ksa cancel rolled the run back: runs nothing, exit 2, the run stays cancelled', async () => {
    const { dir, home, runId } = await interruptedRun('resume-after-cancel');
    const terminal = spawnKsaPty(['resume', runId], { home, cwd: dir, cols: 250 });
    try {
      await terminal.waitForOutput('[y/N]', 15_000);
      const cancelled = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir });
      expect(cancelled.code, describeResult(cancelled)).toBe(0);
      terminal.write('y\r');
      expect((await terminal.exited).exitCode).toBe(2);
      expect(await terminal.screen()).toContain(`run ${runId} ended (cancelled) while this was waiting for approval, from another terminal; nothing was run.`);
    } finally {
      terminal.dispose();
    }
    expect(readRunFile(home, runId)?.state.status).toBe('cancelled');
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    expect(lineCounts(dir).get('first')).toBe(1);
    expect(lineCounts(dir).get('long')).toBeUndefined();
  }, 60_000);

  it('ksa cancel, answered after ksa resume finished the run: rolls nothing back, exit 2, the run stays succeeded', async () => {
    const { dir, home, runId } = await interruptedRun('cancel-after-resume');
    const terminal = spawnKsaPty(['cancel', runId], { home, cwd: dir, cols: 250 });
    try {
      await terminal.waitForOutput('[y/N]', 15_000);
      const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
      expect(resumed.code, describeResult(resumed)).toBe(0);
      terminal.write('y\r');
      expect((await terminal.exited).exitCode).toBe(2);
      expect(await terminal.screen()).toContain(`run ${runId} ended (succeeded) while this was waiting, from another terminal; nothing was rolled back.`);
    } finally {
      terminal.dispose();
    }
    expect(readRunFile(home, runId)?.state.status).toBe('succeeded');
    expect(lineCounts(dir).get('after got first-output')).toBe(1);
    expect(() => readFileSync(path.join(dir, 'rollback.marker'))).toThrow();
  }, 60_000);

  it('a second ksa cancel while the first rolls the run back waits for that rollback (exit 0); ksa status says it is being cancelled', async () => {
    const { dir, home, runId } = await interruptedRun('two-cancels', 2000);
    const first = startKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (readFileSync(path.join(home, 'runs', runId, 'owner.lock'), 'utf8').includes('ksa cancel') ? true : undefined), 10_000);
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toContain(`Being cancelled (ksa cancel ${runId}): what it did is being rolled back; wait for it.`);
    expect(status.stdout).not.toContain('Cancel it with');
    const second = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 30_000 });
    expect(second.code, describeResult(second)).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`Run ${runId} is being cancelled by .* \\(ksa cancel ${runId}\\); waiting for its rollback…`));
    expect((await first.result).code).toBe(0);
    expect(readRunFile(home, runId)?.state.status).toBe('cancelled');
  }, 60_000);

  it('ksa status of a live run rolling back after a cancel says it is stopping, not "Cancel it with"', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'live-stopping', leftovers, { slowRollbackMs: 3000 });
    const cancel = startKsa(['cancel', runId], { home, cwd: dir, timeoutMs: 30_000 });
    await eventually(() => (readRunFile(home, runId)?.state.steps.first?.rollbackStartedAt !== undefined ? true : undefined), 10_000);
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toContain('Stopping: what it did is being rolled back in its process (ksa run ');
    expect(status.stdout).not.toContain('Cancel it with');
    expect((await cancel.result).code).toBe(0);
    expect((await ksa.result).code).toBe(130);
  }, 60_000);
});
