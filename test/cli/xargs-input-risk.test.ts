import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// xargs -0 or -d hands its whole input to `sh -c` as one argument: code the step runs.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe('ksa validate rates the code xargs hands a shell', () => {
  it('echo … | xargs -0 sh -c is rated by the piped code', async () => {
    await sandbox.writePlan('p.yaml', `goal: Clean up
steps:
  - id: drop
    tool: shell
    args: { command: "echo 'kubectl delete ns prod' | xargs -0 sh -c" }
`);
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string }[] };
    expect(doc.stepRisks.find((step) => step.id === 'drop')?.risk).toBe('destroy');
  });
});
