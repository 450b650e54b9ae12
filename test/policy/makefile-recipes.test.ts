import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// Which lines of a Makefile the plan writes are recipes: those make runs through the shell rate the step.

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'make', steps });

async function makeRisk(makefile: string, command = 'make clean') {
  const steps: PlanInput['steps'] = [
    { id: 'script', tool: 'write_file', args: { path: 'Makefile', content: makefile } },
    { id: 'run', tool: 'shell', args: { command }, dependsOn: ['script'] },
  ];
  return (await assessPlanRisk(plan(steps), options)).steps.run;
}

const deletes = { level: 'destroy', reason: 'runs Makefile, which step script writes: rm -rf /srv/data' };

describe('recipes of a Makefile the plan writes', () => {
  it("read the text after a rule's ; as its first recipe line", async () => {
    for (const makefile of ['clean: ; rm -rf /srv/data\n', 'clean:;@rm -rf /srv/data\n', 'clean: a b ; -rm -rf /srv/data\n', 'clean: $(X;y) ; rm -rf /srv/data\n', 'clean: ; \\\n  rm -rf /srv/data\n']) {
      expect(await makeRisk(makefile), makefile).toEqual(deletes);
    }
    for (const line of ['make', "sh -c 'make clean'", 'sudo make clean', 'timeout 5 make clean', 'make clean | tee log', 'f() { make clean; }; f']) {
      expect(await makeRisk('clean: ; rm -rf /srv/data\n', line), line).toEqual(deletes);
    }
    expect(await makeRisk('clean: ; $(RM) -r /srv/data\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -f -r /srv/data' });
    // After a comment, the ; is the comment's.
    expect((await makeRisk('all: # a ; rm -rf /srv/data\n'))?.level).toBe('write');
    expect((await makeRisk('all: ; echo hi\n'))?.level).toBe('write');
  });
});
