import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A script the plan writes, run from code a shell reads on stdin, is rated by its lines as with bash -c.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const plan = (command: string) => `goal: Deploy
steps:
  - id: script
    tool: write_file
    args: { path: deploy.sh, content: "rm -rf /tmp/x/victim\\n" }
  - id: deploy
    tool: shell
    args: { command: ${JSON.stringify(command)} }
    dependsOn: [script]
`;

describe('ksa validate follows the code a shell reads from a here-document or a pipe', () => {
  it('rates the step destroy, and ksa run --yes without --allow-destroy refuses it', async () => {
    for (const command of ["bash <<'E'\nsh ./deploy.sh\nE", "echo 'sh ./deploy.sh' | bash -s"]) {
      await sandbox.writePlan('p.yaml', plan(command));
      const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(0);
      const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
      expect(doc.stepRisks.find((step) => step.id === 'deploy'), command).toEqual({ id: 'deploy', risk: 'destroy', riskReason: 'runs ./deploy.sh, which step script writes: rm -rf /tmp/x/victim' });
      const run = await runKsa(['run', 'p.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
      expect(run.code, describeResult(run)).toBe(2);
      expect(run.stderr).toContain('runs ./deploy.sh, which step script writes: rm -rf /tmp/x/victim');
    }
  });
});
