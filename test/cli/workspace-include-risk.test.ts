import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// What yarn workspace, pnpm recursive, npm "$CMD" and an included makefile run, as ksa validate --json shows it.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PLAN = `goal: Build the web workspace
steps:
  - id: root
    tool: write_file
    args: { path: package.json, content: '{"name":"root","private":true,"workspaces":["packages/*"],"scripts":{"build":"echo root"}}' }
  - id: web
    tool: write_file
    args: { path: packages/web/package.json, content: '{"name":"web","version":"1.0.0","scripts":{"build":"rm -rf /tmp/x/victim"}}' }
  - id: makefile
    tool: write_file
    args: { path: Makefile, content: "include extra.mk\\nall: ; echo hi\\n" }
  - id: extra
    tool: write_file
    args: { path: extra.mk, content: "X := $(shell rm -rf /tmp/x/victim)\\n" }
  - id: yarn
    tool: shell
    args: { command: yarn workspace web build }
    dependsOn: [root, web]
  - id: pnpm
    tool: shell
    args: { command: pnpm recursive run build }
    dependsOn: [root, web]
  - id: npm
    tool: shell
    args: { command: 'npm "$CMD"' }
    dependsOn: [root, web]
  - id: make
    tool: shell
    args: { command: make }
    dependsOn: [makefile, extra]
`;

describe('ksa validate --json rates the scripts and makefiles these commands run', () => {
  it('shows each as destroy, naming the file the plan writes', async () => {
    await sandbox.writePlan('p.yaml', PLAN);
    const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
    const web = 'runs packages/web/package.json, which step web writes: rm -rf /tmp/x/victim';
    expect(doc.stepRisks.filter((step) => ['yarn', 'pnpm', 'npm', 'make'].includes(step.id))).toEqual([
      { id: 'yarn', risk: 'destroy', riskReason: web },
      { id: 'pnpm', risk: 'destroy', riskReason: web },
      { id: 'npm', risk: 'destroy', riskReason: web },
      { id: 'make', risk: 'destroy', riskReason: 'runs extra.mk (from Makefile), which step extra writes: rm -rf /tmp/x/victim' },
    ]);
  });
});
