import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PlanSchema } from '../../src/planning/index.js';
import { assessPlanRisk, type RiskLevel, type ToolHints } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// Risk classifier corpus: every file in test/corpus/risk/ is one step (shell lines and argv
// tools, many of them evasions) with the level it must get, and words its reason must contain.
// When unsure the classifier never says `read`, so an evasion may land on `write` or `destroy`
// but a case that expects `write` or `destroy` must never come back `read`.

type Case = { step: Record<string, unknown>; toolHints?: ToolHints; expect: RiskLevel; reason?: string };

const CORPUS = path.join(import.meta.dirname, 'risk');
const files = (await readdir(CORPUS)).filter((name) => name.endsWith('.yaml')).sort();
const cases = await Promise.all(files.map(async (name) => [name, parse(await readFile(path.join(CORPUS, name), 'utf8')) as Case] as const));

describe('risk corpus', () => {
  it('has at least 30 cases, evasions among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter(([name]) => name.startsWith('evasion-')).length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', async (_, testCase) => {
    const plan = PlanSchema.parse({ goal: 'corpus', steps: [{ id: 'step', ...testCase.step }] });
    const risk = await assessPlanRisk(plan, { parseShell, toolHints: () => testCase.toolHints });
    const step = risk.steps.step!;
    expect(step.level, step.reason).toBe(testCase.expect);
    if (testCase.reason !== undefined) expect(step.reason).toContain(testCase.reason);
    expect(step.reason.length).toBeLessThanOrEqual(120);
    expect(risk.level).toBe(testCase.expect);
  });
});
