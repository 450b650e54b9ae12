import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';

// A deploy whose last step failed is rolling back; ksa is killed (kill -9) while the namespace's
// rollback runs, after it removed the namespace. run.json still says the namespace step succeeded.
// A resume that built on it would deploy into a namespace that is gone.
const PLAN = `goal: namespace then app
steps:
  - id: namespace
    tool: shell
    args: { command: "mkdir ns" }
    rollback:
      tool: shell
      args: { command: "rm -rf ns; echo $$ > undo.pid; exec sleep 30" }
  - id: app
    dependsOn: [namespace]
    tool: shell
    args: { command: "test -e go && test -d ns && echo app > ns/app" }
`;

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-rollback-cut-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('kill -9 while a rollback runs, then ksa resume', () => {
  it('runs the step whose rollback was under way again, says so, and the run succeeds', async () => {
    const planFile = await sandbox.writePlan('ns/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    const home = sandbox.home;
    const ksa = startKsa(['run', planFile, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'undo.pid')) ? Number(readFileSync(path.join(dir, 'undo.pid'), 'utf8')) : undefined), 10_000);
    leftovers.add(pid);
    const runId = parseNdjson(ksa.stdout())[0]!.runId;
    // Killed once the store has the rollback under way (run.json is written in groups, a moment after).
    await eventually(() => (readRunFile(home, runId)?.state.steps.namespace?.rollbackStartedAt ? true : undefined), 10_000);
    ksa.kill('SIGKILL');
    expect((await ksa.result).signal).toBe('SIGKILL');
    expect(existsSync(path.join(dir, 'ns'))).toBe(false);

    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toMatch(/namespace\s+succeeded .*rollback cut short: may be undone; runs again on resume/);
    const json = JSON.parse((await runKsa(['status', runId, '--json'], { home, cwd: dir })).stdout) as { steps: { id: string; rollbackStartedAt?: string }[] };
    expect(json.steps.find((step) => step.id === 'namespace')?.rollbackStartedAt).toEqual(expect.any(String));

    writeFileSync(path.join(dir, 'go'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 0);
    expect(resume.stderr).toContain('Resuming: 0 of 2 steps are done and will not run again.');
    expect(resume.stderr).toContain('namespace had succeeded, but its rollback began before the stop and may have undone it: it runs again.');
    const events = parseNdjson(resume.stdout);
    expect(eventsOf(events, 'step_succeeded').map((event) => event.stepId)).toEqual(['namespace', 'app']);
    expect(readFileSync(path.join(dir, 'ns', 'app'), 'utf8')).toBe('app\n');
  });
});
