import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// npm run x in workspaces runs each workspace's x: the root's script alone does not tell what runs.

const options = riskOptions(createBuiltinRegistry());
const root = JSON.stringify({ name: 'root', workspaces: ['packages/*'], scripts: { build: 'echo root' } });
const web = JSON.stringify({ name: 'web', scripts: { build: 'rm -rf /srv/data' } });

async function workspaceRisk(command: string, env?: Record<string, string>, files: Record<string, string> = { 'package.json': root, 'packages/web/package.json': web }) {
  const writes: PlanInput['steps'] = Object.entries(files).map(([path, content], i) => ({ id: `w${i}`, tool: 'write_file', args: { path, content } }));
  const steps: PlanInput['steps'] = [...writes, { id: 'run', tool: 'shell', args: { command, ...(env ? { env } : {}) }, dependsOn: writes.map((step) => step.id) }];
  return (await assessPlanRisk(PlanSchema.parse({ goal: 'workspaces', steps }), options)).steps.run;
}

describe('npm in workspaces, of package.json files the plan writes', () => {
  const lines = [
    'npm run build --ws',
    'npm run build -ws',
    'npm run build --workspaces',
    'npm run build --workspaces=true',
    'npm run build --w web',
    'npm run build -w web',
    'npm run build --workspace=web',
    'npm run build --workspace web',
    'npm run build --works',
    'npm run build --include-workspace-root',
    'npm --ws run build',
    'npm test --ws',
    'sudo npm run build --ws',
    "sh -c 'npm run build --ws'",
    'npm_config_workspaces=true npm run build',
    'NPM_CONFIG_WORKSPACE=web npm run build',
    'export npm_config_workspaces=true; npm run build',
  ];

  it("rate by each workspace's package.json the plan writes, in every spelling npm takes", async () => {
    for (const line of lines) expect(await workspaceRisk(line), line).toEqual({ level: 'destroy', reason: 'runs packages/web/package.json, which step w1 writes: rm -rf /srv/data' });
    for (const env of [{ npm_config_workspaces: 'true' }, { npm_config_workspace: 'web' }] as Record<string, string>[]) expect((await workspaceRisk('npm run build', env))?.reason, JSON.stringify(env)).toBe('runs packages/web/package.json, which step w1 writes: rm -rf /srv/data');
  });

  it("rate by every script of the root's package.json, as any other run it does not read", async () => {
    const rootOnly = { 'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'], scripts: { build: 'echo root', clean: 'rm -rf /srv/cache' } }) };
    for (const line of lines) expect(await workspaceRisk(line, undefined, rootOnly), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step w0 writes: rm -rf /srv/cache' });
    expect((await workspaceRisk('npm run build', { npm_config_workspaces: 'true' }, rootOnly))?.level).toBe('destroy');
    // Outside workspaces the named script alone still rates the line.
    for (const line of ['npm run build', 'npm run build --if-present']) expect((await workspaceRisk(line, undefined, rootOnly))?.level, line).toBe('write');
  });

  it('rate by the workspaces a project .npmrc the plan writes runs the line in', async () => {
    const files = { 'package.json': root, 'packages/web/package.json': web };
    for (const npmrc of ['workspaces=true\n', 'workspace=web\n', 'registry=https://r\nworkspace = packages/web\n', 'workspace[]=web', 'include-workspace-root=true', 'workspaces']) {
      for (const line of ['npm run build', 'npm test', 'npm --loglevel warn run build']) {
        expect(await workspaceRisk(line, undefined, { ...files, '.npmrc': npmrc }), `${JSON.stringify(npmrc)} ${line}`).toEqual({ level: 'destroy', reason: 'runs packages/web/package.json, which step w1 writes: rm -rf /srv/data' });
      }
    }
    const inApp = { 'app/package.json': root, 'app/packages/web/package.json': web, 'app/.npmrc': 'workspaces=true' };
    expect((await workspaceRisk('npm --prefix app run build', undefined, inApp))?.reason).toBe('runs app/packages/web/package.json, which step w1 writes: rm -rf /srv/data');
    // Settings that leave the workspaces out, and an .npmrc of another folder.
    for (const npmrc of ['workspaces=false', '; workspaces=true', 'registry=https://r', 'workspace=']) expect((await workspaceRisk('npm run build', undefined, { ...files, '.npmrc': npmrc }))?.level, npmrc).toBe('write');
    expect((await workspaceRisk('npm run build', undefined, { ...files, 'other/.npmrc': 'workspaces=true' }))?.level).toBe('write');
  });
});
