import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// Code piped into a shell that `bash -c` starts is what that shell runs.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const plan = (command: string) => `goal: Clean
steps:
  - id: clean
    tool: shell
    args: { command: ${JSON.stringify(command)} }
`;

describe('ksa validate follows the stdin of a shell a -c string starts', () => {
  it('rates the step destroy, and ksa run --yes without --allow-destroy refuses it', async () => {
    await sandbox.writePlan('p.yaml', plan("echo 'rm -rf victim' | bash -c 'bash -s'"));
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
    expect(doc.stepRisks.find((step) => step.id === 'clean')?.risk).toBe('destroy');
    const run = await runKsa(['run', 'p.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(run.code, describeResult(run)).toBe(2);
  });
});
