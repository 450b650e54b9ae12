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

  it("keep a built-in value only when nothing could set it: any text of a makefile, the line's, make's options", async () => {
    const recipe = 'app: main.c\n\t$(CC) -o app main.c\n';
    const unknown = { level: 'destroy', reason: 'runs Makefile, which step script writes: $(CC) -o app main.c' };
    // The Makefile assigns it in a way make reads: indented, for a target (private, ::), under a name made at run time.
    for (const makefile of [
      ` CC = rm -rf /srv/data; cc\n${recipe}`,
      `\tCC = rm -rf /srv/data; cc\n${recipe}`,
      `app: private CC = rm -rf /srv/data; cc\n${recipe}`,
      `app: override CC = rm\n${recipe}`,
      'app:: CC = rm -rf /srv/data; cc\napp::\n\t$(CC) -o app main.c\n',
      `E :=\nC$(E)C = rm -rf /srv/data; cc\n${recipe}`,
      `N := CC\n$(N) = rm\n${recipe}`,
      `private CC = rm\n${recipe}`,
      `define CC\nrm -rf /srv\nendef\n${recipe}`,
      `  include vars.mk\n${recipe}`,
      `X := $(eval CC = rm)\n${recipe}`,
      `MAKEFLAGS += CC=rm\n${recipe}`,
    ]) {
      const risk = await makeRisk(makefile);
      expect(risk?.level, makefile).toBe('destroy');
      expect(risk?.reason, makefile).not.toContain('cc -o app');
    }
    // The line may set it: in any quoting, by a builtin, by a name computed at run time; make's -e by any prefix of its long name.
    for (const line of [
      'make "C"C="rm -rf /srv/data; cc"',
      "make C'C'=rm",
      'make C\\C=rm',
      'printf -v CC %s "rm -rf /srv/data; cc"; export CC; make',
      ': "${CC:=rm -rf /srv/data; cc}"; export CC; make --env',
      'read CC < f; export CC; make',
      'declare -x CC=rm; make',
      'N=CC; export "$N=rm"; make',
      "export $'\\x43C'=rm; make",
      'export {C,}C=rm; make',
      'env "$V" make',
      'make $ARGS',
      'make --environment',
      'make --environment-over',
      'sudo make -ik -e',
      'make -E "CC = rm"',
      'make --eval="CC = rm"',
      'sh -c "make --env"',
      'set -a; . ./vars; make',
      'if true; then . ./vars; fi; make',
      'eval "$X"; make',
      'xargs make < args',
    ]) {
      const risk = await makeRisk(recipe, line);
      expect(risk?.level, line).toBe('destroy');
      expect(risk?.reason, line).not.toContain('cc -o app');
    }
    expect(await makeRisk(`CC = gcc\n${recipe}`, 'make --env')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: $(CC) -o app main.c' });
    for (const env of [{ BASH_ENV: './vars' }, { MAKEFILES: 'vars.mk' }, { GNUMAKEFLAGS: 'CC=rm' }] as Record<string, string>[]) expect(await makeRisk(recipe, 'make', env), JSON.stringify(env)).toEqual(unknown);
  });

  it('another makefile of the same run may set it: several -f, or another one the plan writes', async () => {
    const steps = (command: string): PlanInput['steps'] => [
      { id: 'vars', tool: 'write_file', args: { path: 'vars.mk', content: 'CC = rm -rf /srv/data\n' } },
      { id: 'script', tool: 'write_file', args: { path: 'Makefile', content: 'app: main.c\n\t$(CC) -o app main.c\n' } },
      { id: 'run', tool: 'shell', args: { command }, dependsOn: ['vars', 'script'] },
    ];
    for (const command of ['make -f vars.mk -f Makefile', 'make', 'make -fvars.mk --file=Makefile', 'make --makef Makefile -f vars.mk']) {
      const risk = (await assessPlanRisk(plan(steps(command)), options)).steps.run;
      expect(risk?.level, command).toBe('destroy');
      expect(risk?.reason, command).not.toContain('cc -o app');
    }
  });

  it("only make's own -e lets the environment win: set -e and grep -e elsewhere on the line do not", async () => {
    for (const line of ['set -euo pipefail; make', 'make && grep -e x f', 'set -e; make -j4 -C . all', 'make -j$(nproc)', 'make -k app']) {
      const risk = await makeRisk('app: main.c\n\t$(CC) -o app main.c\n', line);
      expect(risk?.level, line).toBe('write');
      expect(risk?.reason, line).toMatch(/Makefile, which step script writes: cc -o app main.c$/);
    }
  });
});
