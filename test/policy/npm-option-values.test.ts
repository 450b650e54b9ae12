import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// npm takes `--key value` for each setting that is not a flag: the value is not the command, nor the script.

const options = riskOptions(createBuiltinRegistry());
const root = JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'], scripts: { build: 'echo root' } });
const web = JSON.stringify({ name: 'web', version: '1.0.0', scripts: { build: 'rm -rf /tmp/x/victim', test: 'rm -rf /tmp/x/victim' } });
const cleaning = JSON.stringify({ name: 'root', scripts: { build: 'echo root', clean: 'rm -rf /srv/cache', preinstall: 'rm -rf /srv/cache' } });

async function lineRisk(command: string, files: Record<string, string>) {
  const writes: PlanInput['steps'] = Object.entries(files).map(([path, content], i) => ({ id: `w${i}`, tool: 'write_file', args: { path, content } }));
  const steps: PlanInput['steps'] = [...writes, { id: 'run', tool: 'shell', args: { command }, dependsOn: writes.map((step) => step.id) }];
  return (await assessPlanRisk(PlanSchema.parse({ goal: 'options', steps }), options)).steps.run;
}

describe('npm, pnpm and yarn options that take the next word, of package.json files the plan writes', () => {
  it('read the workspace a value names: its scripts rate the line', async () => {
    const lines = ['npm -w web run build', 'npm --workspace web run build', 'npm --w web test', 'npm -w packages/web test', 'npm --works web run build', 'pnpm --filter web build', 'pnpm -F web run build', 'pnpm --filter=web build', 'pnpm -r build'];
    for (const line of lines) expect(await lineRisk(line, { 'package.json': root, 'packages/web/package.json': web }), line).toEqual({ level: 'destroy', reason: 'runs packages/web/package.json, which step w1 writes: rm -rf /tmp/x/victim' });
  });

  it('read the command after any setting given its value as the next word', async () => {
    const lines = ['npm --loglevel warn run clean', 'npm --cache /tmp/c run clean', 'npm --userconfig f run clean', 'npm --registry http://r ci', 'npm --cache c i', 'npm -loglevel warn run clean', 'npm --reg http://r run clean', 'npm -L project run clean', 'npm --loglevel warn --cache c run clean', 'npm --before 2020-01-01 --tag x run clean', 'sudo npm --cache /tmp/c run clean', 'pnpm clean', 'yarn clean'];
    for (const line of lines) expect(await lineRisk(line, { 'package.json': cleaning }), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step w0 writes: rm -rf /srv/cache' });
  });

  it('still rate by the script named, when every reading names the same one', async () => {
    for (const line of ['npm --loglevel warn run build', 'npm --cache /tmp/c run build', 'npm run build --loglevel warn', 'npm -s run build', 'pnpm build', 'yarn build', 'npm --cache c install lodash']) {
      expect((await lineRisk(line, { 'package.json': cleaning }))?.level, line).toBe('write');
    }
  });
});
