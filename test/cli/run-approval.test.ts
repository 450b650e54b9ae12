import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, nonEmptyLines, runKsa, stackTraceLines, type CliSandbox } from '../helpers/cli.js';

// `ksa run` must not run anything it was not allowed to: no approval, dry runs, invalid plans.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** Steps that would leave marker files behind if they ran (`a`, `b` in parallel, then `c`). */
const MARKER_PLAN = `goal: Leave marker files
steps:
  - id: a
    tool: shell
    args: { command: "touch marker-a" }
  - id: b
    tool: shell
    args: { command: "touch marker-b" }
  - id: c
    tool: shell
    dependsOn: [a, b]
    args: { command: "touch marker-c" }
  - id: d
    tool: shell
    dependsOn: [c]
    args: { command: "touch marker-d" }
`;

function markers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('marker-'));
}

/** Each test gets its own folder (the plan's folder is the workspace), so markers cannot mix. */
async function planIn(name: string, text = MARKER_PLAN): Promise<{ plan: string; dir: string }> {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, text);
  return { plan, dir: path.dirname(plan) };
}

describe.concurrent('ksa run: approval and dry runs', () => {
  it('without a terminal and without --yes it refuses with exit 2 and runs nothing', async () => {
    const { plan, dir } = await planIn('no-tty');
    // stdin and stderr are pipes, not a TTY; "y" on stdin must not count as approval.
    const result = await runKsa(['run', plan], { home: sandbox.home, cwd: dir, stdin: 'y\n' });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/not approved/);
    expect(result.stderr).toContain('--yes');
    // The plan was shown so the user can review it.
    expect(result.stderr).toContain('Plan: Leave marker files');
    expect(result.stdout).toBe('');
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(markers(dir)).toEqual([]);
    // No run was started, so no run directory either.
    expect(existsSync(path.join(sandbox.home, 'runs'))).toBe(false);
  });

  it('--dry-run prints the plan, the parallel waves and the critical path, runs nothing, exit 0', async () => {
    const { plan, dir } = await planIn('dry-run');
    const result = await runKsa(['run', plan, '--dry-run'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(0);
    const lines = nonEmptyLines(result.stdout);
    expect(lines).toContain('Dry run: nothing is executed.');
    expect(lines).toContain('  1. a, b  (2 in parallel)');
    expect(lines).toContain('  2. c');
    expect(lines).toContain('  3. d');
    expect(lines).toContain('Critical path: a -> c -> d (3 steps)');
    expect(result.stdout).toContain('touch marker-a');
    expect(markers(dir)).toEqual([]);
  });

  it('--dry-run --max-parallel 1 says the waves run one at a time', async () => {
    const { plan, dir } = await planIn('dry-run-serial');
    const result = await runKsa(['run', plan, '--dry-run', '--max-parallel', '1'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/up to 1 at once/);
    expect(result.stdout).toContain('  1. a, b  (2 in parallel, 1 at a time)');
    expect(markers(dir)).toEqual([]);
  });

  it('--dry-run --json prints one JSON document with the waves and what the approval would weigh, runs nothing', async () => {
    const { plan, dir } = await planIn('dry-run-json');
    const result = await runKsa(['run', plan, '--dry-run', '--json'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(0);
    const step = (id: string) => ({ id, risk: 'write', riskReason: 'touch is not known to be read-only', decision: 'ask', why: 'no rule; --approve ask asks for every step' });
    expect(JSON.parse(result.stdout)).toEqual({
      goal: 'Leave marker files',
      steps: 4,
      waves: [['a', 'b'], ['c'], ['d']],
      criticalPathLength: 3,
      risk: 'write',
      decision: 'ask',
      stepRisks: ['a', 'b', 'c', 'd'].map(step),
    });
    expect(markers(dir)).toEqual([]);
  });

  it('an invalid plan is refused before anything runs, even with --yes: exit 2, problems listed', async () => {
    const { plan, dir } = await planIn('invalid', `${MARKER_PLAN}  - id: e\n    tool: shell\n    dependsOn: [dd]\n    args: { command: "touch marker-e" }\n`);
    const result = await runKsa(['run', plan, '--yes'], { home: sandbox.home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/plan\.yaml:\d+:\d+ steps\[4\]\.dependsOn\[0\]: unknown step "dd" \(did you mean "d"\?\)/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(markers(dir)).toEqual([]);
  });

  it('a command that hides part of itself with terminal control codes is shown whole: the approval cannot be spoofed', async () => {
    const plan = JSON.stringify({ goal: 'ok\u001b]0;title\u0007', steps: [{ id: 'a', tool: 'shell', args: { command: 'touch marker-hidden \u001b[2K\recho harmless' } }] });
    const file = await sandbox.writePlan('spoof.json', plan);
    const result = await runKsa(['run', file, '--dry-run'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.stdout).toContain('shell: touch marker-hidden \\e[2K\\recho harmless');
    expect(result.stdout).toContain('Plan: ok\\e]0;title\\x07');
    expect(existsSync(path.join(sandbox.dir, 'marker-hidden'))).toBe(false);
  });
});
