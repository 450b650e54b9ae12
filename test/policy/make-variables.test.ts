import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// A Makefile the plan writes runs its recipes as make expands them: $(RM) is rm -f, a variable it assigns is its value.

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'make', steps });

async function makeRisk(makefile: string, command = 'make', env?: Record<string, string>) {
  const steps: PlanInput['steps'] = [
    { id: 'script', tool: 'write_file', args: { path: 'Makefile', content: makefile } },
    { id: 'run', tool: 'shell', args: { command, ...(env ? { env } : {}) }, dependsOn: ['script'] },
  ];
  return (await assessPlanRisk(plan(steps), options)).steps.run;
}

describe('make variables in the recipes of a Makefile the plan writes', () => {
  it("are read as make's built-in values and the Makefile's plain assignments", async () => {
    expect(await makeRisk('clean:\n\t$(RM) build\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -f build' });
    expect(await makeRisk('clean:\n\t@${RM} -r build\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -f -r build' });
    expect(await makeRisk('X = rm -rf\nclean:\n\t$(X) build\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -rf build' });
    expect(await makeRisk('Y = rm\nX := $(Y) -rf\nclean:\n\t$(X) d\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -rf d' });
    expect(await makeRisk('X = $$(rm -rf d)\nall:\n\techo $(X)\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: echo $(rm -rf d)' });
    expect(await makeRisk('all:\n\t$(CC) -o a a.c\n')).toEqual({ level: 'write', reason: 'runs Makefile, which step script writes: cc -o a a.c' });
    expect(await makeRisk('CC = gcc\nall:\n\t$(CC) -o a a.c\n', 'sudo make')).toEqual({ level: 'write', reason: 'runs Makefile, which step script writes: gcc -o a a.c' });
    expect(await makeRisk('all:\n\t$(MAKE) -C sub\n')).toEqual({ level: 'write', reason: 'runs Makefile, which step script writes: make -C sub' });
    expect((await makeRisk('X := echo\nall:\n\t$(X) hi\n'))?.level).toBe('write');
  });

  it('stay known only at run time when set otherwise, or from outside the Makefile', async () => {
    const computed = { level: 'destroy', reason: 'runs Makefile, which step script writes: $(X) hi' };
    // Set twice, conditionally, by appending, for a target, by another file, under a condition, over a line break.
    for (const makefile of ['X = echo\nX = rm\n', 'X ?= echo\n', 'X = echo\nX += x\n', 'X = echo\nall: X = rm\n', 'include a.mk\nX = echo\n', 'ifeq ($(A),1)\nX = echo\nendif\n', 'X = echo \\\n rm\n', 'X != echo rm\n']) {
      expect(await makeRisk(`${makefile}all:\n\t$(X) hi\n`), makefile).toEqual(computed);
    }
    // The command line and the environment win over a built-in value; the command line over the Makefile's.
    for (const line of ['make X=rm', 'make -e', 'make -ke', 'export X=rm; make', 'sh -c "make X=rm"']) expect(await makeRisk('X = echo\nall:\n\t$(X) hi\n', line), line).toEqual(computed);
    for (const line of ['CC=rm make', 'make CC=rm', 'env CC=rm make', 'export CC=rm; make', 'sudo CC=rm make', 'make -e', 'set -a; . ./vars; make']) {
      expect(await makeRisk('all:\n\t$(CC) x\n', line), line).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: $(CC) x' });
    }
    for (const env of [{ CC: 'rm' }, { MAKEFLAGS: 'CC=rm' }] as Record<string, string>[]) expect((await makeRisk('all:\n\t$(CC) x\n', 'make', env))?.level, JSON.stringify(env)).toBe('destroy');
    // A variable make is not told of stays a command run to make the text, as before.
    expect(await makeRisk('X = $(Z) -rf\nall:\n\t$(X) d\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: $(Z) -rf d' });
  });
});
