import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';

// A run whose process died is cancelled with ksa cancel; that cancel is itself killed (kill -9) while it rolls back.
// The user asked for the run to be undone: ksa resume must not run its steps again, but say so and point to the cancel.
const PLAN = `goal: namespace then app
steps:
  - id: namespace
    tool: shell
    args: { command: "echo made >> made.log" }
    rollback:
      tool: shell
      args: { command: "echo undone >> undone.log; test -e fast || { echo $$ > undo.pid; exec sleep 30; }" }
  - id: app
    dependsOn: [namespace]
    tool: shell
    args: { command: "echo $$ > app.pid; exec sleep 30" }
`;

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-cut-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const pidIn = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8')) || undefined : undefined);

describe('kill -9 of ksa cancel while it rolls back, then ksa resume', () => {
  it('refuses in one line pointing to ksa cancel, runs nothing; ksa cancel again finishes the cancel', async () => {
    const planFile = await sandbox.writePlan('cancel-cut/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    const home = sandbox.home;
    const run = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(await eventually(() => pidIn(path.join(dir, 'app.pid')), 10_000));
    const runId = parseNdjson(run.stdout())[0]!.runId;
    await eventually(() => (readRunFile(home, runId)?.state.steps.app?.status === 'running' ? true : undefined), 10_000);
    run.kill('SIGKILL');
    expect((await run.result).signal).toBe('SIGKILL');

    const cancel = startKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(await eventually(() => pidIn(path.join(dir, 'undo.pid')), 10_000));
    await eventually(() => (readRunFile(home, runId)?.state.steps.namespace?.rollbackStartedAt ? true : undefined), 10_000);
    cancel.kill('SIGKILL');
    expect((await cancel.result).signal).toBe('SIGKILL');

    // ksa status offers what finishes it, not the resume that refuses it.
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toContain(`The process cancelling it is gone. Finish the cancel (its rollback) with: ksa cancel ${runId}\n`);
    expect(status.stdout).not.toContain('ksa resume');

    const resume = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 2);
    expect(resume.stderr.trim()).toBe(`ksa: run ${runId} was being cancelled when its process stopped, so it is not resumed; finish the cancel (its rollback) with: ksa cancel ${runId}`);
    expect(readFileSync(path.join(dir, 'made.log'), 'utf8')).toBe('made\n');

    writeFileSync(path.join(dir, 'fast'), '');
    const again = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(again, 0);
    expect(readRunFile(home, runId)?.state.status).toBe('cancelled');
    expect(readFileSync(path.join(dir, 'made.log'), 'utf8')).toBe('made\n');
    expect(readFileSync(path.join(dir, 'undone.log'), 'utf8')).toBe('undone\nundone\n');
  }, 60_000);
});
