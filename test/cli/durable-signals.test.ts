import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, lineCounts, lockPid, readRunFile, statusOf, type RunsDoc, type StatusDoc } from '../helpers/durable.js';
import { killSent } from '../helpers/kill-sent.js';
import { startLongRun } from '../helpers/long-run.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { isProcessAlive } from '../helpers/tool-context.js';

// What the store holds after SIGTERM and after a double Ctrl-C, and two runs at
// once in one KSA_HOME.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-signals-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** Ctrl-C, then Ctrl-C again once the first was taken (signals sent together may merge into one). */
async function secondCtrlC(ksa: KsaProcess): Promise<void> {
  ksa.kill('SIGINT');
  await ksa.waitForOutput((_, stderr) => stderr.includes('SIGINT: cancelling'), 10_000);
  ksa.kill('SIGINT');
}

describe.concurrent('signals and the store', () => {
  it('SIGTERM: exit 143 and run.json holds the final cancelled state with rollback results (nothing left running)', async () => {
    const { ksa, home, runId } = await startLongRun(sandbox, 'sigterm', leftovers);
    ksa.kill('SIGTERM');
    const result = await ksa.result;
    expectExit(result, 143);
    // Read the file itself, right after exit: it was flushed before the process ended.
    const run = readRunFile(home, runId)!;
    expect(run.state.status).toBe('cancelled');
    expect(run.state.steps.first).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(run.state.steps.long!.status).toBe('cancelled');
    expect(run.state.steps.after!.status).toBe('cancelled');
    expect(Object.values(run.state.steps).some((step) => step.status === 'running')).toBe(false);
    expect(lockPid(home, runId)).toBeUndefined();
    const processes = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'processes.json'), 'utf8')) as { groups: number[] };
    expect(processes.groups).toEqual([]);
    const { runs } = await ksaJson<RunsDoc>(['runs'], { home });
    expect(runs[0]).toMatchObject({ runId, status: 'cancelled', recordedStatus: 'cancelled' });
  });

  it('SIGHUP (the terminal closed): exit 129, the running step stopped and what succeeded rolled back, as for SIGTERM', async () => {
    const { ksa, dir, home, runId, longPid } = await startLongRun(sandbox, 'sighup', leftovers);
    ksa.kill('SIGHUP');
    const result = await ksa.result;
    expectExit(result, 129);
    const run = readRunFile(home, runId)!;
    expect(run.state).toMatchObject({ status: 'cancelled', error: 'the terminal closed (SIGHUP)' });
    expect(run.state.steps.first).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
    expect(run.state.steps.long!.status).toBe('cancelled');
    expect(isProcessAlive(longPid)).toBe(false);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
  });

  it('SIGHUP twice, as a closing terminal sends it (the shell, then the kernel), and SIGTERM twice: still cancelled and rolled back, not stopped at once', async () => {
    for (const signal of ['SIGHUP', 'SIGTERM'] as const) {
      const { ksa, dir, home, runId } = await startLongRun(sandbox, `double-${signal}`, leftovers);
      ksa.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 5));
      ksa.kill(signal);
      const result = await ksa.result;
      expectExit(result, signal === 'SIGHUP' ? 129 : 143);
      expect(result.stderr).not.toContain('stopped at once');
      const run = readRunFile(home, runId)!;
      expect(run.state.status).toBe('cancelled');
      expect(run.state.steps.first).toMatchObject({ status: 'rolled_back', rollback: { status: 'succeeded' } });
      expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    }
  });

  it('a second Ctrl-C stops at once: no rollback, the run is recorded interrupted, and resume finishes it', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'double-int', leftovers, { stubborn: true });
    await secondCtrlC(ksa);
    const result = await ksa.result;
    expectExit(result, 130);
    expect(result.stderr).toMatch(new RegExp(`Continue with: ksa resume ${runId}, or undo with: ksa cancel ${runId}`));
    expect(existsSync(path.join(dir, 'rollback.marker')), 'the rollback ran after the second Ctrl-C').toBe(false);

    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status).toMatchObject({ status: 'interrupted', recordedStatus: 'interrupted' });
    expect(statusOf(status, 'first').status).toBe('succeeded');
    expect(status.owner).toBeUndefined();
    expect(lockPid(home, runId), 'the lock of the stopped process is left behind').toBeUndefined();

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 0);
    const events = parseNdjson(resume.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(eventsOf(events, 'step_started').map((event) => event.stepId)).toEqual(['long', 'after']);
    expect(lineCounts(dir).get('first')).toBe(1);
  });

  it('a second Ctrl-C exits 130 at once and leaves a run that is no longer running (never `running` forever)', async () => {
    const { ksa, home, runId, longPid } = await startLongRun(sandbox, 'double-int-any', leftovers, { stubborn: true });
    await secondCtrlC(ksa);
    // Without the second Ctrl-C the stubborn step would hold it for its 2 s kill grace: stopping at once kills it
    // before saying so.
    await ksa.waitForOutput((_, stderr) => stderr.includes('stopped at once'), 10_000);
    expect(killSent(longPid), 'the stubborn step was not killed when ksa said it stopped at once').toBe(true);
    const result = await ksa.result;
    expectExit(result, 130);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    // Shown as interrupted (its owner is dead) whatever was recorded; see the test above.
    expect(status.status).toBe('interrupted');
    expect(status.owner).toBeUndefined();
    // Its lock is released, or at worst names the dead process (the bug above).
    const pid = lockPid(home, runId);
    if (pid !== undefined) expect(isProcessAlive(pid)).toBe(false);
  });

  it('two runs at once in one KSA_HOME do not disturb each other: each ends as it should (one succeeds, one fails), both listed, the index has both', async () => {
    const home = path.join(sandbox.home, 'shared');
    const planFor = (name: string, fail: boolean) =>
      sandbox.writePlan(
        `shared/${name}.yaml`,
        `goal: Run ${name}
steps:
${Array.from({ length: 6 }, (_, i) => `  - id: s${i}
    tool: shell
    ${i === 5 ? 'dependsOn: [s3, s4]\n    ' : i > 1 ? `dependsOn: [s${i - 2}]\n    ` : ''}args: { command: "sleep 0.0${i + 2}; echo ${name}-s${i} >> ${name}.log${fail && i === 5 ? '; exit 4' : ''}" }`).join('\n')}
`,
      );
    const [a, b] = await Promise.all([planFor('alpha', false), planFor('beta', true)]);
    const runA = startKsa(['run', a, '--yes', '--json'], { home, cwd: path.dirname(a) });
    const runB = startKsa(['run', b, '--yes', '--json'], { home, cwd: path.dirname(b) });
    const [resultA, resultB] = await Promise.all([runA.result, runB.result]);
    expectExit(resultA, 0);
    expectExit(resultB, 1);
    const idA = parseNdjson(resultA.stdout)[0]!.runId;
    const idB = parseNdjson(resultB.stdout)[0]!.runId;
    expect(idA).not.toBe(idB);
    expect(lineCounts(path.dirname(a), 'alpha.log').size).toBe(6);
    expect(lineCounts(path.dirname(b), 'beta.log').size).toBe(6);

    const { runs } = await ksaJson<RunsDoc>(['runs'], { home });
    expect(runs.map((run) => [run.runId, run.status]).sort()).toEqual(
      [
        [idA, 'succeeded'],
        [idB, 'failed'],
      ].sort(),
    );
    const index = JSON.parse(readFileSync(path.join(home, 'runs', 'index.json'), 'utf8')) as { entries: { runId: string; status: string }[] };
    expect(index.entries.map((entry) => [entry.runId, entry.status]).sort()).toEqual(
      [
        [idA, 'succeeded'],
        [idB, 'failed'],
      ].sort(),
    );
    expect((await ksaJson<StatusDoc>(['status', idA], { home })).steps.every((step) => step.status === 'succeeded')).toBe(true);
    expect(statusOf(await ksaJson<StatusDoc>(['status', idB], { home }), 's5')).toMatchObject({ status: 'failed' });
  });
});
