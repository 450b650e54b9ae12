import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// What make reads besides the Makefile the plan writes (the makefiles it includes) and the files $(file >…) writes.

const options = riskOptions(createBuiltinRegistry());

async function makeRisk(files: Record<string, string>, command = 'make', cwd?: string) {
  const writes: PlanInput['steps'] = Object.entries(files).map(([path, content]) => ({ id: path.replace(/\W/g, '_').toLowerCase(), tool: 'write_file', args: { path, content } }));
  const steps: PlanInput['steps'] = [...writes, { id: 'run', tool: 'shell', args: { command, ...(cwd ? { cwd } : {}) }, dependsOn: writes.map((step) => step.id) }];
  return (await assessPlanRisk(PlanSchema.parse({ goal: 'make', steps }), options)).steps.run;
}

const EXTRA = 'X := $(shell rm -rf /srv/data)\n';

describe('a makefile the plan writes that a Makefile it writes includes', () => {
  it.each([
    'include extra.mk\nall: ; echo hi\n',
    '-include extra.mk\nall: ; echo hi\n',
    'sinclude extra.mk\nall: ; echo hi\n',
    'include other.mk extra.mk # both\nall: ; echo hi\n',
    'include \\\n  extra.mk\nall: ; echo hi\n',
    'include ./extra.mk\nall: ; echo hi\n',
    'include $(ENV).mk\nall: ; echo hi\n',
    'include *.mk\nall: ; echo hi\n',
  ])('is read as part of it: %j', async (makefile) => {
    expect(await makeRisk({ Makefile: makefile, 'extra.mk': EXTRA })).toEqual({ level: 'destroy', reason: 'runs extra.mk (from Makefile), which step extra_mk writes: rm -rf /srv/data' });
  });

  it('is read whatever its name, in the folder make runs in, and when it includes another', async () => {
    expect((await makeRisk({ Makefile: 'include config.env\nall: ; echo $(A)\n', 'config.env': 'A = 1\nclean: ; rm -rf /srv/data\n' }))?.reason).toBe('runs config.env (from Makefile), which step config_env writes: rm -rf /srv/data');
    expect((await makeRisk({ 'app/Makefile': 'include extra.mk\nall: ; echo hi\n', 'app/extra.mk': EXTRA }, 'make -C app'))?.level).toBe('destroy');
    expect((await makeRisk({ 'app/Makefile': 'include extra.mk\nall: ; echo hi\n', 'app/extra.mk': EXTRA }, 'make', 'app'))?.level).toBe('destroy');
    expect((await makeRisk({ Makefile: 'include a.mk\nall: ; echo hi\n', 'a.mk': 'include b.mk\n', 'b.mk': EXTRA }))?.level).toBe('destroy');
    // Two makefiles that include each other are read once each.
    expect((await makeRisk({ Makefile: 'include a.mk\nall: ; echo hi\n', 'a.mk': 'include Makefile\n' }))?.level).toBe('write');
  });

  it('rates an included file whose text the plan does not show as code nobody reviewed', async () => {
    const steps: PlanInput['steps'] = [
      { id: 'mk', tool: 'write_file', args: { path: 'Makefile', content: 'include extra.mk\nall: ; echo hi\n' } },
      { id: 'fetch', tool: 'shell', args: { command: 'curl -fsSo extra.mk https://example.com/extra.mk' } },
      { id: 'run', tool: 'shell', args: { command: 'make' }, dependsOn: ['mk', 'fetch'] },
    ];
    expect((await assessPlanRisk(PlanSchema.parse({ goal: 'make', steps }), options)).steps.run).toEqual({ level: 'destroy', reason: 'runs extra.mk (from Makefile), which step fetch downloads: code nobody reviewed' });
  });

  it('stays as before when the Makefile includes no file the plan writes', async () => {
    expect((await makeRisk({ Makefile: 'include other.mk\nall: ; echo hi\n', 'extra.mk': EXTRA }))?.level).toBe('write');
    expect((await makeRisk({ Makefile: 'all: ; echo include extra.mk\n', 'extra.mk': EXTRA }))?.level).toBe('write');
  });
});

describe('$(file >…) in a Makefile the plan writes', () => {
  it.each([
    'X := $(file >out.txt,hello)\nall: ; echo hi\n',
    'all: ; echo $(file >>out.txt,hello)\n',
    '$(file > out.txt)\nall: ; echo hi\n',
    'all:\n\t${file >out.txt,$(shell echo hi)}\n',
  ])('writes a file as make reads or runs it: %j', async (makefile) => {
    expect(await makeRisk({ Makefile: makefile })).toEqual({ level: 'write', reason: expect.stringMatching(/^runs Makefile, which step makefile writes: .*>>? ?'?out\.txt/) });
  });

  it('is code nobody reviewed when a recipe runs the file it writes', async () => {
    expect((await makeRisk({ Makefile: 'X := $(file >run.sh,rm -rf /srv/data)\nall: ; sh run.sh\n' }))?.level).toBe('destroy');
    expect((await makeRisk({ Makefile: 'all:\n\t$(file >run.sh,rm -rf /srv/data)\n\tsh run.sh\n' }))?.level).toBe('destroy');
  });

  it('only reads with $(file <…)', async () => {
    expect((await makeRisk({ Makefile: 'X := $(file <in.txt)\nall: ; @echo $(X)\n' }))?.reason).not.toMatch(/in\.txt/);
  });
});

describe('makefiles make reads from the line that runs it', () => {
  const MAKEFILE = 'include extra.mk\nall: ; echo hi\n';

  it.each(['make -I inc', 'make -Iinc', 'make --include-dir=inc', 'make --include-dir inc', 'make --include=inc', 'make -k -I inc all'])('looks for an included makefile in the -I folders: %s', async (command) => {
    expect((await makeRisk({ Makefile: MAKEFILE, 'inc/extra.mk': EXTRA }, command))?.level).toBe('destroy');
  });

  it('may find it in any folder when the -I folder is known only at run time', async () => {
    expect((await makeRisk({ Makefile: MAKEFILE, 'inc/extra.mk': EXTRA }, 'make -I "$INC"'))?.level).toBe('destroy');
  });

  it.each(['MAKEFILES=extra.mk make', 'make MAKEFILES=extra.mk', 'env MAKEFILES=extra.mk make all', "export MAKEFILES='other.mk extra.mk'; make", 'make MAKEFILES=extra.mk -I inc'])('reads the makefiles MAKEFILES names first: %s', async (command) => {
    expect((await makeRisk({ Makefile: 'all: ; echo hi\n', 'extra.mk': EXTRA, 'inc/other.mk': 'x: ; echo x\n' }, command))?.level).toBe('destroy');
  });

  it('stays as before without -I or MAKEFILES', async () => {
    expect((await makeRisk({ Makefile: MAKEFILE, 'inc/extra.mk': EXTRA }, 'make'))?.level).toBe('write');
    expect((await makeRisk({ Makefile: 'all: ; echo hi\n', 'extra.mk': EXTRA }, 'make'))?.level).toBe('write');
  });

  it('reads a makefile $(file >…) writes and the Makefile then includes', async () => {
    for (const makefile of ['$(file >gen.mk,clean: ; rm -rf /srv/data)\ninclude gen.mk\n', 'X := $(file > gen.mk,clean:\n\trm -rf /srv/data\n)\n-include ./gen.mk\n']) {
      expect((await makeRisk({ Makefile: makefile }, 'make clean'))?.level, makefile).toBe('destroy');
    }
    expect((await makeRisk({ Makefile: '$(file >gen.mk,clean: ; rm -rf /srv/data)\nall: ; echo hi\n' }, 'make'))?.level).toBe('write');
  });
});
