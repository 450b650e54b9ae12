import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// yarn's and pnpm's commands that run a workspace's scripts, yarn version, and npm with a command known only at run
// time: rated by the package.json files the plan writes, as npm run is.

const options = riskOptions(createBuiltinRegistry());
const root = JSON.stringify({ name: 'root', workspaces: ['packages/*'], scripts: { build: 'echo root' } });
const web = JSON.stringify({ name: 'web', scripts: { build: 'rm -rf /srv/data' } });
const WEB_REASON = 'runs packages/web/package.json, which step w1 writes: rm -rf /srv/data';

async function riskOf(command: string, files: Record<string, string> = { 'package.json': root, 'packages/web/package.json': web }) {
  const writes: PlanInput['steps'] = Object.entries(files).map(([path, content], i) => ({ id: `w${i}`, tool: 'write_file', args: { path, content } }));
  const steps: PlanInput['steps'] = [...writes, { id: 'run', tool: 'shell', args: { command }, dependsOn: writes.map((step) => step.id) }];
  return (await assessPlanRisk(PlanSchema.parse({ goal: 'workspaces', steps }), options)).steps.run;
}

describe("commands that run a workspace's scripts", () => {
  it.each([
    'yarn workspace web build',
    'yarn workspace web run build',
    'yarn --cwd . workspace web build',
    'yarn workspaces run build',
    'yarn workspaces foreach -A run build',
    'pnpm recursive run build',
    'pnpm m run build',
    'pnpm multi build',
    'pnpm -r run build',
    'pnpm --recursive build',
    "sudo sh -c 'yarn workspace web build'",
  ])("%s is rated by the workspace's script", async (line) => {
    expect(await riskOf(line)).toEqual({ level: 'destroy', reason: WEB_REASON });
  });

  it('stays as before for commands that run no script', async () => {
    for (const line of ['yarn workspaces info', 'yarn workspaces list', 'yarn workspace web add lodash']) expect((await riskOf(line))?.level, line).toBe('write');
  });
});

describe('yarn version', () => {
  const versioned = { 'package.json': JSON.stringify({ name: 'root', version: '1.0.0', scripts: { version: 'rm -rf /srv/data' } }) };

  it('runs the version scripts of the package.json it rewrites', async () => {
    for (const line of ['yarn version', 'yarn version --patch', 'yarn version --new-version 1.2.0', 'yarn --silent version patch']) {
      expect(await riskOf(line, versioned), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step w0 writes: rm -rf /srv/data' });
    }
  });

  it('writes package.json even where the plan writes none', async () => {
    expect((await riskOf('yarn version', {}))?.level).toBe('write');
  });
});

describe('a package manager command known only at run time', () => {
  const scripts = { 'package.json': JSON.stringify({ name: 'root', scripts: { test: 'echo ok', start: 'rm -rf /srv/data' } }) };

  it.each(['npm "$CMD"', 'npm $CMD', 'npm --silent "$CMD"', 'pnpm "$CMD"', 'yarn "$CMD"'])('%s is rated by any script it may run', async (line) => {
    expect(await riskOf(line, scripts)).toEqual({ level: 'destroy', reason: 'runs package.json, which step w0 writes: rm -rf /srv/data' });
  });

  it("is rated by the workspaces' scripts too", async () => {
    expect(await riskOf('npm "$CMD"')).toEqual({ level: 'destroy', reason: WEB_REASON });
  });
});
