import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A package.json the plan writes whose script destroys: npm's options with a value before the command do not hide it.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const plan = (command: string) => `goal: Build the web workspace
steps:
  - id: root
    tool: write_file
    args: { path: package.json, content: '{"name":"root","private":true,"workspaces":["packages/*"],"scripts":{"build":"echo root"}}' }
  - id: web
    tool: write_file
    args: { path: packages/web/package.json, content: '{"name":"web","version":"1.0.0","scripts":{"build":"rm -rf /tmp/x/victim"}}' }
  - id: build
    tool: shell
    args: { command: ${JSON.stringify(command)} }
    dependsOn: [root, web]
`;

describe('ksa validate rates npm -w web run build by the workspace script', () => {
  it('is destroy, and ksa run --yes without --allow-destroy refuses it', async () => {
    for (const command of ['npm -w web run build', 'pnpm --filter web build']) {
      await sandbox.writePlan('p.yaml', plan(command));
      const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(0);
      const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
      expect(doc.stepRisks.find((step) => step.id === 'build'), command).toEqual({ id: 'build', risk: 'destroy', riskReason: 'runs packages/web/package.json, which step web writes: rm -rf /tmp/x/victim' });
    }
    const run = await runKsa(['run', 'p.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain('runs packages/web/package.json, which step web writes: rm -rf /tmp/x/victim');
  });
});
