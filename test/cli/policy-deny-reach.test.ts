import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// Deny rules end to end for commands a line runs out of sight: a plan's script by its absolute path,
// trap and coproc code; and a quoted `;` that only prints.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-deny-reach-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** A plan in a workspace of its own, a KSA_HOME whose policy.yaml denies touching `denied*` in `marks`. */
async function setUp(name: string, plan: (dir: string, marks: string) => string): Promise<{ plan: string; home: string; marks: string }> {
  const dir = path.join(sandbox.dir, name, 'ws');
  const marks = path.join(sandbox.dir, name, 'marks');
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(marks, { recursive: true });
  await mkdir(home, { recursive: true });
  await writeFile(path.join(home, 'policy.yaml'), `deny:\n  - shell: "touch ${marks}/denied*"\n  - kubectl: "delete *"\n  - shell: "rm -rf /*"\n`);
  return { plan: await sandbox.writePlan(`${name}/ws/plan.yaml`, plan(dir, marks)), home, marks };
}

describe('deny rules reach every command a line runs', () => {
  it('a script the plan writes, run by its absolute path in the workspace, is denied by its lines and not run', async () => {
    const { plan, home, marks } = await setUp('abs', (dir, marks) => `goal: script abs
steps:
  - id: w
    tool: write_file
    args: { path: deploy.sh, content: "#!/bin/sh\\ntouch ${marks}/denied96\\n" }
  - id: r
    tool: shell
    args: { command: "sh ${dir}/deploy.sh" }
    dependsOn: [w]
`);
    const validated = await runKsa(['validate', plan], { home });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('denied by deny shell');
    const run = await runKsa(['run', plan, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(existsSync(path.join(marks, 'denied96'))).toBe(false);
  });

  it('code a trap sets or coproc runs is denied and not run, also coproc kubectl delete under kubectl: "delete *"', async () => {
    const { plan, home, marks } = await setUp('trap', (_dir, marks) => `goal: trap
steps:
  - id: a
    tool: shell
    args: { command: "trap 'touch ${marks}/denied110' EXIT" }
  - id: b
    tool: shell
    args: { command: "coproc X { touch ${marks}/denied118; }; wait" }
  - id: c
    tool: shell
    args: { command: "coproc kubectl delete pod web" }
`);
    const validated = await runKsa(['validate', plan], { home });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain('3 problems');
    expect(validated.stdout).toContain('deny kubectl: "delete *"');
    const run = await runKsa(['run', plan, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(existsSync(path.join(marks, 'denied110'))).toBe(false);
    expect(existsSync(path.join(marks, 'denied118'))).toBe(false);
  });

  it('a line that only prints a quoted ; rm -rf runs, and one that runs rm -rf after a quoted ; is still denied', async () => {
    const { plan, home, marks } = await setUp('quoted', (_dir, marks) => `goal: quoted
steps:
  - id: say
    tool: shell
    args: { command: "echo 'cleanup; rm -rf /tmp/x' > /dev/null && touch ${marks}/said" }
`);
    const run = await runKsa(['run', plan, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(0);
    expect(existsSync(path.join(marks, 'said'))).toBe(true);
    const { plan: real, home: realHome } = await setUp('quoted-real', () => `goal: quoted
steps:
  - id: wipe
    tool: shell
    args: { command: "echo 'a;' ; rm -rf /tmp/ksa-deny-reach-nothing" }
`);
    const refused = await runKsa(['validate', real], { home: realHome });
    expect(refused.code, describeResult(refused)).toBe(2);
  });

  it('a command with option words before the path it touches is denied and not run', async () => {
    const { plan, home, marks } = await setUp('options', (_dir, marks) => `goal: options
steps:
  - id: t
    tool: shell
    args: { command: "env A=1 touch -m -d 2020-01-01 -- ${marks}/denied140" }
`);
    const validated = await runKsa(['validate', plan], { home });
    expect(validated.code, describeResult(validated)).toBe(2);
    expect(validated.stdout).toContain(`denied by deny shell: "touch ${marks}/denied*"`);
    const run = await runKsa(['run', plan, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(existsSync(path.join(marks, 'denied140'))).toBe(false);
  });
});

