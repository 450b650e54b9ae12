import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readPids, readRunFile } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// A secret input is stored as ***: given again to ksa resume or ksa cancel, it is read as the plan declared it
// (a PIN as a number), and inputs that merely equal a replaced secret default are stored as given.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-resume-secret-kinds-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** A step that waits for the file `fast`, its pid kept for the cleanup. */
const WAIT = `echo $$ >> wait.pids; while ! test -e fast; do sleep 0.1; done`;

/**
 * Starts `ksa run` of `plan` with these --input values and kills it (SIGKILL) once `stepId` runs: an interrupted run.
 * Resolves with its folder, KSA_HOME and run id.
 */
async function interruptedRun(name: string, plan: string, given: readonly string[], stepId: string): Promise<{ dir: string; home: string; runId: string }> {
  const file = await sandbox.writePlan(`${name}/plan.yaml`, plan);
  const dir = path.dirname(file);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  const ksa = startKsa(['run', file, '--yes', '--json', ...given.flatMap((input) => ['--input', input])], { home, cwd: dir, timeoutMs: 25_000 });
  leftovers.add(ksa.pid);
  await ksa.waitForOutput((stdout) => stdout.includes('"run_started"'), 10_000);
  const runId = parseNdjson(ksa.stdout().split('\n')[0]! + '\n')[0]!.runId;
  leftovers.add(await eventually(() => readPids(dir, 'wait.pids')[0], 10_000));
  await eventually(() => (readRunFile(home, runId)?.state.steps[stepId]?.status === 'running' ? true : undefined), 10_000);
  ksa.kill('SIGKILL');
  await ksa.result;
  return { dir, home, runId };
}

function runJson(home: string, runId: string): { inputs: Record<string, unknown>; plan: { inputs: Record<string, unknown> }; state: { inputs: Record<string, unknown> } } {
  return JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8'));
}

function anyFileHolds(home: string, entries: { rel: string; dir: boolean }[], text: string): boolean {
  return entries.some((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(text));
}

describe.concurrent('a numeric secret input given again', () => {
  it('ksa resume reads it as the number the plan declared: inputs.apiKey + 1 works, and text is refused as ksa run refuses it', async () => {
    const plan = `goal: numeric secret
inputs: { apiKey: 11112222 }
steps:
  - { id: wait, tool: shell, args: { command: '${WAIT}' } }
  - { id: post, tool: shell, dependsOn: [wait], args: { command: 'echo next={{ inputs.apiKey + 1 }}' } }
`;
    const { dir, home, runId } = await interruptedRun('resume-number', plan, ['apiKey=4321'], 'wait');
    expect(runJson(home, runId).plan.inputs).toEqual({ apiKey: '***' });
    writeFileSync(path.join(dir, 'fast'), '');
    const text = await runKsa(['resume', runId, '--yes', '--input', 'apiKey=abc'], { home, cwd: dir });
    expectExit(text, 2);
    expect(text.stderr).toContain("--input apiKey: expected a number, as the plan's default is; got a string");
    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--input', 'apiKey=4321'], { home, cwd: dir });
    expectExit(resumed, 0);
    expect(resumed.stdout).toContain('"line":"next=4322"');
    for (const secret of ['4321', '11112222']) expect(anyFileHolds(home, await walk(home), secret), secret).toBe(false);
  });

  it('ksa cancel reads it as the number the plan declared for the rollback that reads it', async () => {
    const plan = `goal: numeric secret rollback
inputs: { dbPassword: 98760000 }
steps:
  - id: s1
    tool: shell
    args: { command: 'echo s1' }
    rollback: { tool: shell, args: { command: 'echo "rb={{ inputs.dbPassword + 1 }}" > rb.txt' } }
  - { id: s2, tool: shell, dependsOn: [s1], args: { command: '${WAIT}' } }
`;
    const { dir, home, runId } = await interruptedRun('cancel-number', plan, ['dbPassword=4321'], 's2');
    writeFileSync(path.join(dir, 'fast'), '');
    expectExit(await runKsa(['cancel', runId, '--yes', '--input', 'dbPassword=4321'], { home, cwd: dir }), 0);
    expect(readFileSync(path.join(dir, 'rb.txt'), 'utf8')).toBe('rb=4322\n');
    expect(readRunFile(home, runId)?.state.steps.s1?.status).toBe('rolled_back');
  });
});

describe.concurrent('inputs that equal a secret input', () => {
  it("are stored as given when they equal the secret's replaced default, and ksa resume goes on without them", async () => {
    const plan = `goal: equal values
inputs: { dbPassword: 8080, port: 8080, label: "svc-8080" }
steps:
  - { id: a, tool: shell, args: { command: 'echo {{ inputs.port }}' } }
  - { id: b, tool: shell, dependsOn: [a], args: { command: '${WAIT}; echo port={{ inputs.port + 1 }} label={{ inputs.label }}' } }
`;
    const { dir, home, runId } = await interruptedRun('equal-default', plan, ['dbPassword=4321'], 'b');
    const record = runJson(home, runId);
    expect(record.state.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-8080' });
    expect(record.plan.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-8080' });
    writeFileSync(path.join(dir, 'fast'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--input', 'dbPassword=4321'], { home, cwd: dir });
    expectExit(resumed, 0);
    expect(resumed.stdout).toContain('"line":"port=8081 label=svc-');
  });

  it('a text input holding the secret in use is masked and asked for again; a number input equal to it stays a number', async () => {
    const plan = `goal: secret in use
inputs: { dbPassword: "", port: 8080, label: "" }
steps:
  - { id: a, tool: shell, args: { command: '${WAIT}; echo port={{ inputs.port + 1 }}' } }
`;
    const { dir, home, runId } = await interruptedRun('equal-in-use', plan, ['dbPassword=8080', 'label=svc-8080'], 'a');
    expect(runJson(home, runId).state.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-***' });
    const missing = await runKsa(['resume', runId, '--yes', '--input', 'dbPassword=8080'], { home, cwd: dir });
    expectExit(missing, 2);
    expect(missing.stderr).toContain('input label was not stored (they hold secrets); pass --input label=… again');
    writeFileSync(path.join(dir, 'fast'), '');
    expectExit(await runKsa(['resume', runId, '--yes', '--input', 'dbPassword=8080', '--input', 'label=svc-8080'], { home, cwd: dir }), 0);
  });
});
