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

describe('a Makefile that sets .RECIPEPREFIX', () => {
  it('has recipes that start with its literal prefix', async () => {
    expect(await makeRisk('.RECIPEPREFIX = >\nclean:\n> rm -rf /srv/data\n')).toEqual(deletes);
    expect(await makeRisk('.RECIPEPREFIX:=>\nclean:\n>@rm -rf /srv/data\n', 'sudo make clean')).toEqual(deletes);
    expect((await makeRisk('.RECIPEPREFIX = >\nall:\n>echo hi\n', 'make'))?.level).toBe('write');
  });

  it('cannot be rated when the prefix is set any other way, or may be set where the plan does not show it', async () => {
    const unknown = { level: 'destroy', reason: 'runs Makefile, which step script writes: code ksa cannot rate, which nobody reviewed' };
    const recipe = 'clean:\n> rm -rf /srv/data\n';
    for (const makefile of [
      `.RECIPEPREFIX = >\n.RECIPEPREFIX = >\n${recipe}`,
      `P = >\n.RECIPEPREFIX = $(P)\n${recipe}`,
      `ifeq (1,1)\n.RECIPEPREFIX = >\nendif\n${recipe}`,
      `override .RECIPEPREFIX = >\n${recipe}`,
      `.RECIPEPREFIX += >\n${recipe}`,
      `include prefix.mk\n${recipe}`,
      `E :=\n.RECIPE$(E)PREFIX = >\n${recipe}`,
      `X := $(eval .RECIPEPREFIX = >)\n${recipe}`,
    ]) {
      expect(await makeRisk(makefile), makefile).toEqual(unknown);
    }
    expect(await makeRisk(recipe, 'make .RECIPEPREFIX=">" clean')).toEqual(unknown);
    // A Makefile with an include but only tab recipes reads as before.
    expect((await makeRisk('include a.mk\nall:\n\techo hi\n', 'make'))?.level).toBe('write');
  });
});
