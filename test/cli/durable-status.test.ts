import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventually, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, ksaJson, statusOf, type RunsDoc, type StatusDoc } from '../helpers/durable.js';

// `ksa runs [--json]` and `ksa status [runId] [--json]` over a real KSA_HOME:
// newest first, default latest, unique prefixes, failed steps' log tails, and a
// corrupt run file that only makes that one run unreadable.

const OK_PLAN = `goal: Two quick steps
steps:
  - id: one
    tool: shell
    args: { command: "echo one" }
  - id: two
    tool: shell
    dependsOn: [one]
    args: { command: "sleep 0.05; echo two" }
`;

const FAIL_PLAN = `goal: Fail with rollback
steps:
  - id: good
    tool: shell
    args: { command: "echo good" }
    rollback: { tool: shell, args: { command: "echo undo-good >> rolledback.log" } }
  - id: bad
    tool: shell
    dependsOn: [good]
    retry: { maxAttempts: 2, initialDelayMs: 10 }
    args: { command: "echo line one; echo line two >&2; exit 3" }
`;

let sandbox: CliSandbox;
let home: string;
let okRun: string;
let failedRun: string;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-status-');
  home = sandbox.home;
  const ok = await runKsa(['run', await sandbox.writePlan('ok.yaml', OK_PLAN), '--yes'], { home, cwd: sandbox.dir });
  expectExit(ok, 0);
  const failed = await runKsa(['run', await sandbox.writePlan('fail.yaml', FAIL_PLAN), '--yes'], { home, cwd: sandbox.dir });
  expectExit(failed, 1);
  const ids = readdirSync(path.join(home, 'runs')).filter((name) => !name.includes('.'));
  expect(ids).toHaveLength(2);
  const runs = await ksaJson<RunsDoc>(['runs'], { home });
  [failedRun, okRun] = runs.runs.map((run) => run.runId) as [string, string];
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe.concurrent('ksa runs / ksa status', () => {
  it('ksa runs --json: newest first, with id, goal, status, started/ended (for the duration) and step count', async () => {
    const { runs } = await ksaJson<RunsDoc>(['runs'], { home });
    expect(runs.map((run) => [run.goal, run.status, run.recordedStatus, run.steps])).toEqual([
      ['Fail with rollback', 'failed', 'failed', 2],
      ['Two quick steps', 'succeeded', 'succeeded', 2],
    ]);
    for (const run of runs) {
      expect(run.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]+$/);
      expect(Date.parse(run.startedAt!)).toBeLessThanOrEqual(Date.parse(run.endedAt!));
      expect(run.ownerPid).toBeUndefined();
    }
    expect(runs[0]!.createdAt >= runs[1]!.createdAt).toBe(true);
  });

  it('ksa runs (text): a header and one row per run, newest first, with status and duration', async () => {
    const result = await runKsa(['runs'], { home });
    expectExit(result, 0);
    const lines = nonEmptyLines(result.stdout);
    expect(lines[0]).toMatch(/^RUN\s+STATUS\s+STARTED\s+DURATION\s+STEPS\s+GOAL$/);
    expect(lines[1]).toMatch(new RegExp(`^${failedRun}\\s+failed\\s+.+\\s+\\d+(ms|\\.\\ds)\\s+2\\s+Fail with rollback$`));
    expect(lines[2]).toMatch(new RegExp(`^${okRun}\\s+succeeded\\s+.+\\s+2\\s+Two quick steps$`));
  });

  it('ksa runs --limit n shows the newest n and says how many are left out; a --limit that is not a whole number ≥ 1 is a usage error', async () => {
    const result = await runKsa(['runs', '--limit', '1'], { home });
    expectExit(result, 0);
    const lines = nonEmptyLines(result.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${failedRun}\\s+failed`));
    expect(lines[2]).toBe('… 1 older run (ksa runs without --limit shows all)');
    const listed = await ksaJson<RunsDoc>(['runs', '--limit', '1'], { home });
    expect(listed.runs.map((run) => run.runId)).toEqual([failedRun]);
    for (const bad of ['x', '0', '-2', '1.5']) {
      const refused = await runKsa(['runs', `--limit=${bad}`], { home });
      expectExit(refused, 2);
      expect(nonEmptyLines(refused.stderr)).toEqual([`ksa: --limit expects a whole number of at least 1, got "${bad}"`]);
    }
  });

  it('ksa status --json defaults to the latest run: steps with status, attempts, durations, errors, rollback and the failed step\'s log tail', async () => {
    const doc = await ksaJson<StatusDoc>(['status'], { home });
    expect(doc).toMatchObject({ runId: failedRun, goal: 'Fail with rollback', status: 'failed', recordedStatus: 'failed' });
    expect(doc.error).toMatch(/bad/);
    expect(doc.logDir).toBe(path.join(home, 'runs', failedRun, 'logs'));
    const good = statusOf(doc, 'good');
    expect(good).toMatchObject({ status: 'rolled_back', attempts: 1, rollback: { status: 'succeeded' } });
    expect(good.durationMs).toEqual(expect.any(Number));
    const bad = statusOf(doc, 'bad');
    expect(bad).toMatchObject({ status: 'failed', attempts: 2 });
    expect(bad.error).toMatch(/exited with code 3: line two/);
    expect(bad.logTail).toEqual(expect.arrayContaining(['line one', '[stderr] line two']));
    expect(bad.logTail!.at(-1)).toMatch(/^--- failed: /);
    expect(statusOf(doc, 'good').logTail).toBeUndefined();
  });

  it('ksa status <unique prefix> shows that run; text output has the steps table and the log tail', async () => {
    // The shortest prefix that tells it apart from the other run.
    let differ = 0;
    while (okRun[differ] === failedRun[differ]) differ++;
    const prefix = okRun.slice(0, differ + 1);
    const doc = await ksaJson<StatusDoc>(['status', prefix], { home });
    expect(doc.runId).toBe(okRun);
    expect(doc.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([
      ['one', 'succeeded', 1],
      ['two', 'succeeded', 1],
    ]);
    const text = await runKsa(['status', failedRun], { home });
    expectExit(text, 0);
    expect(text.stdout).toMatch(new RegExp(`Run ${failedRun}\\s+failed`));
    expect(text.stdout).toMatch(/^ {2}started \S+ \S+ · took \S+$/m);
    expect(text.stdout).toMatch(/STEP\s+STATUS\s+ATTEMPTS\s+DURATION\s+DETAIL/);
    expect(text.stdout).toMatch(/bad\s+failed\s+2\s+\S+\s+command exited with code 3: line two/);
    expect(text.stdout).toMatch(/last lines of bad's log/);
  });

  it('an ambiguous prefix and an unknown id are usage errors (exit 2) with one clear line', async () => {
    const ambiguous = await runKsa(['status', okRun.slice(0, 4)], { home });
    expectExit(ambiguous, 2);
    expect(ambiguous.stderr).toMatch(/matches 2 runs .*give more of the id/);
    const unknown = await runKsa(['status', 'nope'], { home });
    expectExit(unknown, 2);
    expect(nonEmptyLines(unknown.stderr)).toEqual(['ksa: no run "nope" (list them with: ksa runs)']);
  });

  it('a name that is not a run (a store file, .., a path, a hidden name) is no run, for status, resume and cancel; the store is left as it was', async () => {
    const before = readdirSync(path.join(home, 'runs')).sort();
    const names = ['index.json', '..', '.', `../runs/${okRun}`, `${okRun}/`, '.index.json.lock', ''];
    const commands = names.flatMap((name) => [['status', name], ['resume', name, '--yes'], ['cancel', name, '--yes']]);
    const results = await Promise.all(commands.map((args) => runKsa(args, { home })));
    for (const [index, result] of results.entries()) {
      expectExit(result, 2);
      expect(nonEmptyLines(result.stderr), commands[index]!.join(' ')).toEqual([`ksa: no run "${commands[index]![1]}" (list them with: ksa runs)`]);
    }
    expect(readdirSync(path.join(home, 'runs')).sort()).toEqual(before);
  });

  it('with no runs: ksa runs says so (text and {"runs": []}), ksa status exits 2', async () => {
    const empty = path.join(sandbox.home, '..', 'empty-home');
    const text = await runKsa(['runs'], { home: empty });
    expectExit(text, 0);
    expect(text.stdout.trim()).toBe('No runs yet. Start one with: ksa run <plan>');
    expect(await ksaJson<RunsDoc>(['runs'], { home: empty })).toEqual({ runs: [] });
    const status = await runKsa(['status'], { home: empty });
    expectExit(status, 2);
    expect(status.stderr).toMatch(/there are no runs yet/);
  });

  it('a corrupt run file: only that run is unreadable (clear error, one warning naming the backup); everything else works', async () => {
    const corruptHome = path.join(sandbox.home, '..', 'corrupt-home');
    mkdirSync(corruptHome);
    for (const name of ['a.yaml', 'b.yaml']) {
      const result = await runKsa(['run', await sandbox.writePlan(name, OK_PLAN), '--yes'], { home: corruptHome, cwd: sandbox.dir });
      expectExit(result, 0);
    }
    const [newest, oldest] = (await ksaJson<RunsDoc>(['runs'], { home: corruptHome })).runs.map((run) => run.runId) as [string, string];
    const file = path.join(corruptHome, 'runs', oldest, 'run.json');
    writeFileSync(file, '{"version":1,"runId":');

    const status = await runKsa(['status', oldest], { home: corruptHome });
    expectExit(status, 2);
    const warnings = nonEmptyLines(status.stderr).filter((line) => line.startsWith('ksa: warning:'));
    expect(warnings, describeResult(status)).toHaveLength(1);
    const backup = readdirSync(path.dirname(file)).find((name) => name.startsWith('run.json.corrupt-'));
    expect(backup).toBeDefined();
    expect(warnings[0]).toContain(path.join(path.dirname(file), backup!));
    expect(status.stderr).toMatch(new RegExp(`run ${oldest} cannot be read: its run.json is corrupt; the file is kept as `));
    const again = await runKsa(['status', oldest], { home: corruptHome });
    expectExit(again, 2);
    expect(nonEmptyLines(again.stderr)).toEqual([`ksa: run ${oldest} cannot be read: its run.json was found corrupt earlier and is kept as ${path.join(path.dirname(file), backup!)}`]);

    const runs = await runKsa(['runs', '--json'], { home: corruptHome });
    expectExit(runs, 0);
    expect((JSON.parse(runs.stdout) as RunsDoc).runs.map((run) => run.runId)).toEqual([newest, oldest]);
    const other = await ksaJson<StatusDoc>(['status', newest], { home: corruptHome });
    expect(other.status).toBe('succeeded');
    // A new run still works and becomes the latest.
    expectExit(await runKsa(['run', await sandbox.writePlan('c.yaml', OK_PLAN), '--yes'], { home: corruptHome, cwd: sandbox.dir }), 0);
    expect((await ksaJson<StatusDoc>(['status'], { home: corruptHome })).goal).toBe('Two quick steps');
  });

  it('ksa status of a run rolling back a failure says so, not only "running"', async () => {
    const rollbackHome = path.join(sandbox.dir, 'rolling-back-home');
    const dir = path.join(sandbox.dir, 'rolling-back');
    mkdirSync(dir, { recursive: true });
    const plan = `goal: Slow undo\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo a" }\n    rollback: { tool: shell, args: { command: "for i in $(seq 1 300); do if [ -f go ]; then break; fi; sleep 0.05; done" } }\n  - id: b\n    tool: shell\n    dependsOn: [a]\n    args: { command: "exit 1" }\n`;
    const run = startKsa(['run', await sandbox.writePlan('rolling-back/plan.yaml', plan), '--yes'], { home: rollbackHome, cwd: dir });
    try {
      const text = await eventually(async () => {
        const status = await runKsa(['status'], { home: rollbackHome });
        return status.stdout.includes('step "b" failed') ? status.stdout : undefined;
      }, 15_000);
      expect(text).toMatch(/Run \S+ {2}running/);
      expect(text).toContain('  rolling back: undoing what succeeded, newest first\n');
    } finally {
      // The rollback waits for this file (at most 15 s): the run ends even when an expectation failed.
      writeFileSync(path.join(dir, 'go'), '');
      expectExit(await run.result, 1);
    }
  });
});
