import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readPids, readRunFile } from '../helpers/durable.js';

// Records an older ksa (3f65d0e, before rollback starts were recorded) left while a run was failing,
// written as that build wrote them: no `format`, no `rollbackStartedAt`. a and b succeeded, c failed.

let sandbox: CliSandbox;
// Processes of steps left behind by the ksa a test kills.
const leftovers: number[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-older-record-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const at = (second: number) => `2026-12-06T06:00:${String(second).padStart(2, '0')}.000Z`;
const output = { stdout: '', stderr: '', exitCode: 0 };

/** Writes the older build's run.json (status and error as it left them) and returns its home and workspace. `c`: c's own fields, if not the usual check. */
function olderRun(name: string, status: 'running' | 'interrupted', error: string, c: Record<string, unknown> = { args: { command: 'test -f a.txt && test -f b.txt' } }): { home: string; dir: string; runId: string } {
  const dir = path.join(sandbox.dir, name);
  const home = path.join(sandbox.home, name);
  const runId = '20261206-060008-94f9';
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.join(home, 'runs', runId), { recursive: true });
  writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  const plan = {
    goal: 'Rollback that gets killed',
    inputs: {},
    steps: [
      { id: 'a', dependsOn: [], tool: 'shell', args: { command: 'echo a > a.txt; echo a >> ran.log' }, rollback: { tool: 'shell', args: { command: 'rm -f a.txt' } } },
      { id: 'b', dependsOn: ['a'], tool: 'shell', args: { command: 'echo b > b.txt; echo b >> ran.log' }, rollback: { tool: 'shell', args: { command: 'rm -f b.txt' } } },
      { id: 'c', dependsOn: ['b'], tool: 'shell', ...c },
    ],
  };
  const state = {
    runId, goal: plan.goal, status, inputs: {}, startedAt: at(1), completed: ['a', 'b'], failedStepId: 'c', error,
    steps: {
      a: { status: 'succeeded', attempts: 1, startedAt: at(1), endedAt: at(2), output },
      b: { status: 'succeeded', attempts: 1, startedAt: at(2), endedAt: at(3), output },
      c: { status: 'failed', attempts: 1, startedAt: at(3), endedAt: at(4), error: 'command exited with code 5' },
    },
  };
  writeFileSync(path.join(home, 'runs', runId, 'run.json'), JSON.stringify({ version: 1, approvals: [], runId, goal: plan.goal, createdAt: at(0), workspace: dir, plan, inputs: {}, allowedEnv: [], state }));
  return { home, dir, runId };
}

describe.concurrent('ksa resume of a run an older ksa left while it was failing', () => {
  it('killed while it rolled back (still running, no rollback start recorded): a and b may have been undone, so they run again, and it says it cannot tell', async () => {
    // b's rollback had removed b.txt when the older ksa was killed.
    const { home, dir, runId } = olderRun('killed', 'running', 'step "c" failed: command exited with code 5');
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).toMatch(/b\s+succeeded .*rollback cut short: may be undone; runs again on resume/);
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(resume.stderr).toContain('a, b had succeeded, but an older ksa stopped this run while it was failing and did not record whether their rollbacks began: they may have been undone, so they run again.');
    expect(resume.stderr).not.toContain('Still to run: a');
    expectExit(resume, 0);
    expect(eventsOf(parseNdjson(resume.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['a', 'b', 'c']);
    expect(readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('b\n');
  });

  it('stopped at once during the rollback (no rollback start recorded): b, whose rollback was under way, runs again; a, whose rollback never began, does not', async () => {
    const { home, dir, runId } = olderRun('during', 'interrupted', 'stopped at once during the rollback; not rolled back: b, a');
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(resume.stderr).toContain('b had succeeded, but its rollback began before the stop and may have undone it: it runs again.');
    expectExit(resume, 0);
    expect(eventsOf(parseNdjson(resume.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['b', 'c']);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8')).toBe('b\n');
  });

  it('stopped at once before its rollback ("rollback did not run"): nothing was undone, so a and b do not run again', async () => {
    const { home, dir, runId } = olderRun('before', 'interrupted', 'stopped at once; rollback did not run');
    writeFileSync(path.join(dir, 'b.txt'), 'b\n');
    const status = await runKsa(['status', runId], { home, cwd: dir });
    expect(status.stdout).not.toContain('rollback cut short');
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(resume.stderr).toContain('Resuming: 2 of 3 steps are done and will not run again (a, b).');
    expectExit(resume, 0);
    expect(eventsOf(parseNdjson(resume.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['c']);
  });

  it('a run this ksa records (format 2) killed after its failure, before its first rollback began, is not read so: its succeeded steps are in place', async () => {
    const { home, dir, runId } = olderRun('today', 'running', 'step "c" failed: command exited with code 5');
    const file = path.join(home, 'runs', runId, 'run.json');
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), format: 2 }));
    writeFileSync(path.join(dir, 'b.txt'), 'b\n');
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 0);
    expect(eventsOf(parseNdjson(resume.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['c']);
    // And the runs this ksa starts carry that mark from their creation.
    const planFile = await sandbox.writePlan('today/new.yaml', 'goal: one step\nsteps:\n  - { id: one, tool: shell, args: { command: "true" } }\n');
    const run = await runKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(run, 0);
    const newId = parseNdjson(run.stdout)[0]!.runId;
    expect(JSON.parse(readFileSync(path.join(home, 'runs', newId, 'run.json'), 'utf8'))).toMatchObject({ version: 1, format: 2 });
  });

  it('resumed by this ksa, which writes it in its own format from then on: killed again after a failure, before the rollback began, its next resume keeps a and b, as today\'s rules do', async () => {
    // c times out and ignores SIGTERM: the run waits out its 2 s grace before rolling back, and is killed meanwhile.
    const stubborn = { args: { command: "trap '' TERM; echo $$ >> c.pids; if [ -f fast ]; then exit 0; fi; sleep 30" }, timeoutMs: 300 };
    const { home, dir, runId } = olderRun('again', 'running', 'step "c" failed: command exited with code 5', stubborn);
    const first = startKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    await first.waitForOutput((stdout) => stdout.includes('"step_failed"'), 10_000);
    // On disk too (run.json is written a moment after the event), before the 2 s are over.
    await eventually(() => {
      const steps = readRunFile(home, runId)?.state.steps;
      // Not the record as taken over (a and b marked as the older reading marks them): the resume's.
      return steps?.c?.status === 'failed' && steps.b?.status === 'succeeded' && steps.a?.rollbackStartedAt === undefined ? true : undefined;
    }, 1500, 10);
    first.kill('SIGKILL');
    await first.result;
    leftovers.push(...readPids(dir, 'c.pids'));
    const stopped = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')) as { format?: number; state: { status: string; steps: Record<string, { status: string; rollbackStartedAt?: string }> } };
    // Killed between c's failure and the rollback: nothing was undone.
    expect(stopped).toMatchObject({ format: 2, state: { status: 'running', steps: { a: { status: 'succeeded' }, b: { status: 'succeeded' } } } });
    expect(Object.values(stopped.state.steps).filter((st) => st.rollbackStartedAt !== undefined)).toEqual([]);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8')).toBe('a\nb\n');

    writeFileSync(path.join(dir, 'fast'), '');
    const again = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expect(again.stderr).toContain('Resuming: 2 of 3 steps are done and will not run again (a, b).');
    expect(again.stderr).not.toContain('an older ksa');
    expectExit(again, 0);
    expect(eventsOf(parseNdjson(again.stdout), 'step_succeeded').map((event) => event.stepId)).toEqual(['c']);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8')).toBe('a\nb\n');
  });
});
