import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A Makefile the plan writes that deletes as make reads it, or runs its recipes through another program than a shell.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const plan = (makefile: string) => `goal: Build
steps:
  - id: script
    tool: write_file
    args: { path: Makefile, content: ${JSON.stringify(makefile)} }
  - id: build
    tool: shell
    args: { command: make }
    dependsOn: [script]
`;

async function buildRisk(makefile: string) {
  await sandbox.writePlan('p.yaml', plan(makefile));
  const result = await runKsa(['validate', 'p.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir });
  expect(result.code, describeResult(result)).toBe(0);
  const doc = JSON.parse(result.stdout) as { stepRisks: { id: string; risk: string; riskReason: string }[] };
  return doc.stepRisks.find((step) => step.id === 'build');
}

describe('ksa validate rates make by what the Makefile runs as make reads it', () => {
  it('is destroy for $(shell rm …) outside any recipe, and for recipes run by SHELL := rm', async () => {
    expect(await buildRisk('X := $(shell rm -rf /srv/data)\nall: ; echo hi\n')).toEqual({ id: 'build', risk: 'destroy', riskReason: 'runs Makefile, which step script writes: rm -rf /srv/data' });
    expect(await buildRisk('SHELL := rm\n.SHELLFLAGS := -rf\nall:\n\t/srv/data\n')).toEqual({ id: 'build', risk: 'destroy', riskReason: 'runs Makefile, which step script writes: code ksa cannot rate, which nobody reviewed' });
    expect((await buildRisk('SHELL := /bin/bash\nall:\n\techo hi\n'))?.risk).toBe('write');
  });
});
