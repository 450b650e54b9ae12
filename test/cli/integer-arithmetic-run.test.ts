import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// What a line assigns to an integer variable is evaluated as arithmetic, and a subscript in it runs code: under
// --approve read such a line is asked, never run unasked.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-integer-arithmetic-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe('ksa run --approve read', { timeout: 120_000 }, () => {
  it('asks for text assigned to a declare -i variable, and the folder its subscript would remove stays', async () => {
    const command = `declare -i n; n='x[$(rm -rf marker)]'; echo "$n"`;
    const plan = await sandbox.writePlan('integer/ws/plan.yaml', `goal: count\nsteps:\n  - id: count\n    tool: shell\n    args: ${JSON.stringify({ command })}\n`);
    const dir = path.dirname(plan);
    const home = path.join(sandbox.dir, 'integer', 'home');
    await mkdir(home, { recursive: true });
    await mkdir(path.join(dir, 'marker'));
    const run = await runKsa(['run', plan, '--approve', 'read'], { home, cwd: dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('arithmetic evaluates text read at run time as code');
    expect(existsSync(path.join(dir, 'marker'))).toBe(true);
  });

  // A value from ksa's own environment, which the plan does not show: arithmetic reading it runs what it holds.
  it.each([
    ['a loop bound no one sets', 'for ((i=0; i<N; i++)); do :; done; echo done', 'N'],
    ['a count never started', '((N++)); echo "$N"', 'N'],
    ['test -v of an element', 'test -v "a[$N]"; echo ok', 'N'],
    ['unset of an element', "unset 'a[$N]'; echo ok", 'N'],
    ['a name reference to an integer variable', 'declare -i n; declare -n r=n; r=$N; echo ok', 'N'],
    ['an associative key unset', 'declare -A m; unset "m[$N]"; echo ok', 'N'],
    ['a variable named by a value', 'echo "${!N}"', 'N'],
  ])('asks for %s, and the folder the environment value would remove stays', async (label, command, name) => {
    const where = label.replace(/\W+/g, '-');
    const plan = await sandbox.writePlan(`env-${where}/ws/plan.yaml`, `goal: count\nsteps:\n  - id: count\n    tool: shell\n    args: ${JSON.stringify({ command })}\n`);
    const dir = path.dirname(plan);
    const home = path.join(sandbox.dir, `env-${where}`, 'home');
    await mkdir(home, { recursive: true });
    await mkdir(path.join(dir, 'marker'));
    const run = await runKsa(['run', plan, '--approve', 'read'], { home, cwd: dir, env: { [name]: 'x[$(rm -rf marker)]' } });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toMatch(/arithmetic evaluates text read at run time as code|a variable named by text read at run time|an array key bash expands again/);
    expect(existsSync(path.join(dir, 'marker'))).toBe(true);
  });
});
