import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// The shell code make runs as it reads a Makefile the plan writes, and the shell it runs recipes with, rate the step.

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'make', steps });

async function makeRisk(makefile: string, command = 'make') {
  const steps: PlanInput['steps'] = [
    { id: 'script', tool: 'write_file', args: { path: 'Makefile', content: makefile } },
    { id: 'run', tool: 'shell', args: { command }, dependsOn: ['script'] },
  ];
  return (await assessPlanRisk(plan(steps), options)).steps.run;
}

const unknown = { level: 'destroy', reason: 'runs Makefile, which step script writes: code ksa cannot rate, which nobody reviewed' };

describe('shell code make runs while reading a Makefile', () => {
  it('rates every $(shell …) and the right side of every != as the recipes are, whatever target is made', async () => {
    for (const makefile of [
      'X := $(shell rm -rf /srv/data)\nall: ; echo hi\n',
      'X = ${shell rm -rf /srv/data}\nall: ; echo hi\n',
      'X != rm -rf /srv/data\nall: ; echo hi\n',
      '$(shell rm -rf /srv/data)\nall: ; echo hi\n',
      '$(info $(shell rm -rf /srv/data))\nall: ; echo hi\n',
      'all: $(shell rm -rf /srv/data)\n\techo hi\n',
      'all: ; echo $(shell rm -rf /srv/data)\n',
      'D = /srv/data\nX := $(shell rm -rf $(D))\nall: ; echo hi\n',
      'X := $(shell echo $(shell rm -rf /srv/data))\nall: ; echo hi\n',
      'X := $(shell rm -rf /srv/data\nall: ; echo hi\n',
    ]) {
      const risk = await makeRisk(makefile);
      expect(risk?.level, makefile).toBe('destroy');
      expect(risk?.reason, makefile).toMatch(/^runs Makefile, which step script writes: .*rm -rf \/srv\/data/);
    }
    for (const command of ['make clean', 'make -n', 'sudo make other']) {
      expect((await makeRisk('X := $(shell rm -rf /srv/data)\nclean: ; echo hi\n', command))?.level, command).toBe('destroy');
    }
    // A harmless call rates as the recipes do.
    expect((await makeRisk('V := $(shell git describe)\nall: ; echo $(V)\n'))?.level).toBe('write');
  });

  it('cannot be rated when the Makefile builds its own code as it reads', async () => {
    for (const makefile of [
      'E :=\nX := $(eval Y := $$(s$(E)hell rm -rf /srv/data))\nall: ; echo hi\n',
      'X := $(eval Y := $$(shell rm -rf /srv/data))\nall: ; echo hi\n',
      'B := !\n$(eval X $(B)= rm -rf /srv/data)\nall: ; echo hi\n',
      'C = X != rm\n$(eval $(C))\nall: ; echo hi\n',
      'S$(E)HELL := rm\nall: ; echo hi\n',
      '.SECONDEXPANSION:\nall: $$(s$$(E)hell rm -rf /srv/data)\n\techo hi\n',
      'X := $(guile (system "rm -rf /srv/data"))\nall: ; echo hi\n',
    ]) {
      expect(await makeRisk(makefile), makefile).toEqual(unknown);
    }
    // Text that only expands references, without building code, reads as before.
    expect((await makeRisk('$(info $(X))\nall: ; echo hi\n'))?.level).toBe('write');
  });
});

describe('a Makefile that sets SHELL or .SHELLFLAGS', () => {
  it('cannot be rated unless they are a plain POSIX shell with -c', async () => {
    for (const makefile of [
      'SHELL := rm\n.SHELLFLAGS := -rf\nall:\n\t/srv/data\n',
      '.SHELLFLAGS := -c "rm -rf /srv/data"\nall:\n\techo hi\n',
      'SHELL = /usr/bin/python3\nall:\n\techo hi\n',
      'override SHELL := rm\nall:\n\techo hi\n',
      'export SHELL ?= rm\nall:\n\techo hi\n',
      'SHELL += -x\nall:\n\techo hi\n',
      'SHELL != echo rm\nall:\n\techo hi\n',
      'all: SHELL := rm\nall:\n\t/srv/data\n',
      'all: private .SHELLFLAGS = -rf\nall:\n\t/srv/data\n',
      'define SHELL\nrm\nendef\nall:\n\t/srv/data\n',
      'SHELL := $(RM)\nall:\n\t/srv/data\n',
    ]) {
      expect(await makeRisk(makefile), makefile).toEqual(unknown);
    }
    expect(await makeRisk('all:\n\t/srv/data\n', 'make SHELL=rm .SHELLFLAGS=-rf')).toEqual(unknown);
    for (const makefile of ['SHELL := /bin/bash\nall:\n\techo hi\n', 'SHELL = sh\n.SHELLFLAGS := -ec\nall:\n\techo hi\n', 'SHELL := /usr/bin/env\nall:\n\techo hi\n']) {
      expect((await makeRisk(makefile))?.level, makefile).toBe(makefile.includes('env') ? 'destroy' : 'write');
    }
    expect(await makeRisk('SHELL := /bin/bash\nall:\n\trm -rf /srv/data\n')).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes: rm -rf /srv/data' });
  });
});
