import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A command's words as bash reads them: a redirection among them, or a `--` before the code of bash -c, hides none.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const plan = `goal: Clean up
steps:
  - id: infra
    tool: shell
    args: { command: "terraform 2>/dev/null destroy -auto-approve" }
  - id: cluster
    tool: shell
    args: { command: "kubectl < /dev/null delete ns prod" }
  - id: copy
    tool: shell
    args: { command: "tee < in.txt out.txt" }
  - id: code
    tool: shell
    args: { command: "bash -c -- 'rm -rf victim'" }
`;

describe('ksa validate --json rates every word of a shell command', () => {
  it('rates the words after a redirection and the code after bash -c --', async () => {
    await sandbox.writePlan('p.yaml', plan);
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { risk: string; stepRisks: { id: string; risk: string }[] };
    expect(Object.fromEntries(doc.stepRisks.map((step) => [step.id, step.risk]))).toEqual({ infra: 'destroy', cluster: 'destroy', copy: 'write', code: 'destroy' });
    expect(doc.risk).toBe('destroy');
  });

  it('does not run bash -c -- with rm -rf in a run approved for write steps', async () => {
    await mkdir(path.join(sandbox.dir, 'victim'), { recursive: true });
    await sandbox.writePlan('code.yaml', `goal: Clean up\nsteps:\n  - id: code\n    tool: shell\n    args: { command: "bash -c -- 'rm -rf victim'" }\n`);
    const run = await runKsa(['run', 'code.yaml', '--approve', 'write'], { home: sandbox.home, cwd: sandbox.dir });
    expect(run.code, describeResult(run)).not.toBe(0);
    await expect(access(path.join(sandbox.dir, 'victim'))).resolves.toBeUndefined();
  });
});
