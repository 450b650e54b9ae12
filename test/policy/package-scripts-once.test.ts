import { describe, expect, it, vi } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// A package.json whose scripts all run each other by name is read once per step, not once from each script.

const reads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/policy/package-scripts.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/policy/package-scripts.js')>();
  return { ...original, scriptLines: (...args: Parameters<typeof original.scriptLines>) => (reads.count++, original.scriptLines(...args)) };
});

describe('scripts of a package.json the plan writes that run each other', () => {
  it('are each followed once: a dense file validates, its scripts read once', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `s${i}`);
    const scripts = Object.fromEntries(names.map((name) => [name, names.filter((other) => other !== name).map((other) => `npm run ${other}`).join(' && ')]));
    scripts.s39 = `${scripts.s39} && rm -rf /srv/data`;
    const plan = PlanSchema.parse({
      goal: 'dense scripts',
      steps: [
        { id: 'script', tool: 'write_file', args: { path: 'package.json', content: JSON.stringify({ scripts }) } },
        { id: 'run', tool: 'shell', args: { command: 'npm run s0' }, dependsOn: ['script'] },
      ],
    });
    reads.count = 0;
    const risk = (await assessPlanRisk(plan, riskOptions(createBuiltinRegistry()))).steps.run;
    expect(risk?.level).toBe('destroy');
    // Once for the line's npm run s0, which reaches every script; not again for each npm run those lines hold.
    expect(reads.count).toBeLessThanOrEqual(2);
  }, 60_000);
});
