import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, KSA_ARGV, ksaEnv, parseNdjson, type CliSandbox } from '../helpers/cli.js';

// `ksa run --json | jq …` with a reader slower than the run: everything written reaches it, run_finished
// last, and the exit code waits for it (the pipe holds 64 KiB; the rest was queued in ksa when it ended).

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-slow-reader-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** Runs ksa with stdout and stderr piped, read only once the run's final state is on disk. */
async function runReadLate(args: readonly string[], home: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...KSA_ARGV, ...args], { cwd, env: ksaEnv({ home }), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const runs = path.join(home, 'runs');
  await eventually(() => {
    try {
      const [runId] = readdirSync(runs).filter((name) => !name.endsWith('.json'));
      return runId && JSON.parse(readFileSync(path.join(runs, runId, 'run.json'), 'utf8')).state.status === 'succeeded' ? true : undefined;
    } catch {
      return undefined; // not written yet
    }
  }, 20_000);
  // Time for a process that does not wait for its output to end: it would drop what is queued.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  child.stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await exited;
  return { code, stdout: Buffer.concat(chunks.stdout).toString('utf8'), stderr: Buffer.concat(chunks.stderr).toString('utf8') };
}

describe('a slow reader', () => {
  it('gets every event of ksa run --json, run_finished last, and the summary on stderr', async () => {
    const planFile = await sandbox.writePlan('seq/plan.yaml', 'goal: A verbose step\nsteps:\n  - id: build\n    tool: shell\n    args: { command: "seq 1 5000" }\n');
    const home = path.join(sandbox.home, 'seq');
    const result = await runReadLate(['run', planFile, '--yes', '--json'], home, path.dirname(planFile));
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
    const events = parseNdjson(result.stdout);
    expect(events.filter((event) => event.type === 'step_output')).toHaveLength(5000);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    expect(result.stderr).toMatch(/1 succeeded · total \S+ · run \S+\n$/);
  });

  it('a step printing more than the backlog holds: its lines past 8 MiB are left out and counted (output_skipped), events and the summary all arrive, memory stays bounded', async () => {
    const planFile = await sandbox.writePlan('flood/plan.yaml', 'goal: A flood of output\nsteps:\n  - id: flood\n    tool: shell\n    args: { command: "seq 1 400000" }\n  - id: after\n    tool: shell\n    dependsOn: [flood]\n    args: { command: "echo after" }\n');
    const home = path.join(sandbox.home, 'flood');
    const result = await runReadLate(['run', planFile, '--yes', '--json'], home, path.dirname(planFile));
    expect(result.code, result.stderr).toBe(0);
    const events = parseNdjson(result.stdout);
    const shown = events.filter((event) => event.type === 'step_output').length;
    const skipped = events.filter((event) => event.type === 'output_skipped').reduce((sum, event) => sum + (event.lines as number), 0);
    expect(skipped).toBeGreaterThan(0);
    expect(shown + skipped).toBe(400_001);
    expect(result.stdout.length).toBeLessThan(20 * 1024 * 1024);
    expect(events.filter((event) => event.type === 'step_succeeded').map((event) => event.stepId)).toEqual(['flood', 'after']);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    expect(result.stderr).toMatch(/2 succeeded · total \S+ · run \S+\n$/);
  });

  it('without --json, the output lines on stderr past the backlog are left out with one line saying how many', async () => {
    const planFile = await sandbox.writePlan('flood-plain/plan.yaml', 'goal: A flood of output\nsteps:\n  - id: flood\n    tool: shell\n    args: { command: "seq 1 400000" }\n');
    const home = path.join(sandbox.home, 'flood-plain');
    const result = await runReadLate(['run', planFile, '--yes'], home, path.dirname(planFile));
    expect(result.code, result.stderr.slice(-500)).toBe(0);
    expect(result.stderr).toMatch(/… \d+ output lines not shown: this output's reader was slower than the steps \(every line is in the run's step logs\)/);
    expect(result.stderr).toMatch(/1 succeeded · total \S+ · run \S+\n$/);
  });
});
