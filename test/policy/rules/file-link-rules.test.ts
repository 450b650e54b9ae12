import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A relative file rule is about the file the tool reaches, also when the step names it through a link in the workspace.

const workspace = mkdtempSync(path.join(tmpdir(), 'ksa-file-links-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));
mkdirSync(path.join(workspace, 'secrets'));
writeFileSync(path.join(workspace, '.env'), 'K=1\n');
writeFileSync(path.join(workspace, 'secrets', 'api'), 'token\n');
writeFileSync(path.join(workspace, 'notes.txt'), 'hello\n');
symlinkSync('.env', path.join(workspace, 'e2'));
symlinkSync('secrets', path.join(workspace, 's2'));
symlinkSync('notes.txt', path.join(workspace, 'n2'));
// Its target does not exist until a step writes it.
symlinkSync('later.env', path.join(workspace, 'e3'));

const options = riskOptions(createBuiltinRegistry(), process.env, workspace);

async function decide(rules: string, steps: PlanInput['steps']): Promise<Record<string, string>> {
  const policy = { ...parsePolicy(rules, path.join(workspace, '.ksa/policy.yaml')), workspace };
  const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'links', steps }), policy, 'write', options);
  return Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]));
}

const call = (tool: string, filePath: string) => ({ id: 's', tool, args: tool === 'write_file' ? { path: filePath, content: 'x' } : { path: filePath } });

describe('relative file rules over a path through a link in the workspace', () => {
  it.each([
    ['read_file: ".env"', 'read_file', 'e2', 'deny'],
    ['read_file: "**/.env"', 'read_file', 'e2', 'deny'],
    ['read_file: "secrets/*"', 'read_file', 's2/api', 'deny'],
    ['read_file: "secrets/**"', 'read_file', './s2/api', 'deny'],
    ['write_file: ".env"', 'write_file', 'e2', 'deny'],
    ['write_file: "secrets/*"', 'write_file', 's2/new', 'deny'],
    // A rule naming the link is about the file it leads to.
    ['read_file: "e2"', 'read_file', '.env', 'deny'],
    ['read_file: "s2/*"', 'read_file', 'secrets/api', 'deny'],
    ['read_file: ".env"', 'read_file', 'n2', 'allow'],
    ['read_file: "secrets/*"', 'read_file', 'notes.txt', 'allow'],
  ])('deny %s, %s %s → %s', async (rule, tool, filePath, expected) => {
    expect(await decide(`deny:\n  - ${rule}\n`, [call(tool, filePath)])).toEqual({ s: expected });
  });

  it('an ask rule holds the same way', async () => {
    expect(await decide('ask:\n  - read_file: ".env"\n', [call('read_file', 'e2')])).toEqual({ s: 'ask' });
  });

  it.each(['later.env', '*.env'])('a link whose target an earlier step writes is the file it leads to: deny read_file %s', async (rule) => {
    const steps = [
      { id: 'w', tool: 'write_file', args: { path: 'later.env', content: 'K=2' } },
      { id: 'r', tool: 'read_file', args: { path: 'e3' }, dependsOn: ['w'] },
    ];
    expect(await decide(`deny:\n  - read_file: "${rule}"\n`, steps)).toEqual({ w: 'allow', r: 'deny' });
    expect(await decide(`deny:\n  - read_file: "${path.join(workspace, 'later.env')}"\n`, steps)).toEqual({ w: 'allow', r: 'deny' });
  });
});
