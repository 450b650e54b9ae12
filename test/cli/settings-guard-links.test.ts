import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A settings file that is a symbolic link when the run starts (a policy shared by several workspaces, one a dotfiles
// manager links into $KSA_HOME, or a .ksa folder that is a link) is watched as a link: an untouched link never fails a
// step; a link a step retargets or removes is put back as the same link; what it leads to is never written by ksa.

const DENY = 'deny:\n  - { shell: "touch forbidden*" }\n';

interface Layout {
  readonly name: string;
  /** The link ksa finds at the start, relative to the sandbox's root. */
  readonly link: string;
  readonly target: string;
  /** The shared file the policy is read from. */
  readonly shared: string;
  /** How a step reaches the policy without naming it. */
  readonly spelled: string;
  readonly cwdRelative: boolean;
}

const LAYOUTS: readonly Layout[] = [
  { name: 'workspace policy file', link: 'work/.ksa/policy.yaml', target: '../../shared/policy.yaml', shared: 'shared/policy.yaml', spelled: ".k''sa/policy.yaml", cwdRelative: true },
  { name: '.ksa folder', link: 'work/.ksa', target: '../shared-ksa', shared: 'shared-ksa/policy.yaml', spelled: ".k''sa/policy.yaml", cwdRelative: true },
  { name: "$KSA_HOME's policy file", link: 'home/policy.yaml', target: '../dotfiles/policy.yaml', shared: 'dotfiles/policy.yaml', spelled: '${KSA_HOME%/}/poli""cy.yaml', cwdRelative: false },
];

describe.concurrent('a settings file that is a link when the run starts', () => {
  for (const layout of LAYOUTS) {
    it(`${layout.name} linked and left alone: runs pass, the link stays a link, and an edit of the shared file applies to the next run`, async (context) => {
      const { sandbox, root } = await linkedSandbox(context, layout);
      await writeFile(path.join(root, layout.shared), 'deny: []\n');
      await writeFile(path.join(sandbox.dir, 'plan.yaml'), 'goal: g\nsteps:\n  - id: hi\n    tool: shell\n    args: { command: "echo hi" }\n  - id: ho\n    tool: shell\n    dependsOn: [hi]\n    args: { command: "echo ho" }\n');
      for (let run = 0; run < 2; run++) {
        const result = await runKsa(['run', 'plan.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
        expect(result.code, describeResult(result)).toBe(0);
      }
      expect(await readlink(path.join(root, layout.link))).toBe(layout.target);
      expect(await changedCopies(path.dirname(path.join(root, layout.link)))).toEqual([]);
      await writeFile(path.join(root, layout.shared), DENY);
      await writeFile(path.join(sandbox.dir, 'p2.yaml'), 'goal: g\nsteps:\n  - id: t\n    tool: shell\n    args: { command: "touch forbidden1" }\n');
      const denied = await runKsa(['run', 'p2.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
      expect(denied.code, describeResult(denied)).toBe(2);
    });

    it(`${layout.name} linked, then retargeted or removed by a step: the same link is put back, the step fails, the deny rule still holds`, async (context) => {
      const { sandbox, root } = await linkedSandbox(context, layout);
      const link = path.join(root, layout.link);
      await mkdir(path.join(root, 'other'));
      await writeFile(path.join(root, 'other', 'policy.yaml'), 'deny: []\n');
      const linkSpelled = layout.cwdRelative ? layout.link.slice('work/'.length).replace('.ksa', ".k''sa") : '${KSA_HOME%/}/poli""cy.yaml';
      const elsewhere = layout.name === '.ksa folder' ? path.join(root, 'other') : path.join(root, 'other', 'policy.yaml');
      for (const [command, verb] of [
        [`rm -f ${linkSpelled} && ln -s ${elsewhere} ${linkSpelled}`, 'changed'],
        [`rm -f ${linkSpelled}`, 'removed'],
      ] as const) {
        await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: relink\nsteps:\n  - id: relink\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`);
        const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
        expect(result.code, describeResult(result)).toBe(1);
        expect(result.stderr, command).toContain(`step relink ${verb} ${link}, which its plan did not say it would`);
        expect(result.stderr, command).toContain('ksa put it back.');
        expect((await lstat(link)).isSymbolicLink(), command).toBe(true);
        expect(await readlink(link), command).toBe(layout.target);
        expect(await readFile(path.join(root, layout.shared), 'utf8'), command).toBe(DENY);
      }
      await writeFile(path.join(sandbox.dir, 'p2.yaml'), 'goal: g\nsteps:\n  - id: t\n    tool: shell\n    args: { command: "touch forbidden1" }\n');
      const denied = await runKsa(['run', 'p2.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
      expect(denied.code, describeResult(denied)).toBe(2);
    });

    it(`${layout.name} linked, and the shared file it leads to changed by a step: the step fails in one line, and ksa writes nothing there`, async (context) => {
      const { sandbox, root } = await linkedSandbox(context, layout);
      const shared = path.join(root, layout.shared);
      const link = path.join(root, layout.link);
      await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: loosen\nsteps:\n  - id: loosen\n    tool: shell\n    args: { command: ${JSON.stringify(`printf 'deny: []\\n' > ${layout.spelled}`)} }\n`);
      const result = await runKsa(['run', 'plan.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(1);
      const place = layout.cwdRelative ? 'the workspace' : "ksa's home";
      expect(result.stderr).toMatch(
        new RegExp(`^.* loosen failed: step loosen changed the shared policy file ${escaped(shared)} \\([^)]*\\), which its plan did not say it would \\(it was approved as a write step\\)\\. ksa writes nothing through a link or outside ${place}[^\n]*put ${escaped(shared)} back before the next run\n`, 'm'),
      );
      expect(result.stderr).not.toMatch(/ENOENT|errno/);
      expect(await readFile(shared, 'utf8')).toBe('deny: []\n');
      expect(await readlink(link)).toBe(layout.target);
      expect(await changedCopies(path.dirname(shared))).toEqual([]);
      expect(await changedCopies(path.dirname(link))).toEqual([]);
    });
  }
});

/** A sandbox whose policy is read through `layout`'s link, to a shared file holding DENY. */
async function linkedSandbox(context: TestContext, layout: Layout): Promise<{ sandbox: CliSandbox; root: string }> {
  const sandbox = await createCliSandbox('ksa-settings-links-');
  context.onTestFinished(() => sandbox.cleanup());
  const root = path.dirname(sandbox.dir);
  const shared = path.join(root, layout.shared);
  await mkdir(path.dirname(shared), { recursive: true });
  await writeFile(shared, DENY);
  const link = path.join(root, layout.link);
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(layout.target, link);
  expect(existsSync(path.join(link, layout.name === '.ksa folder' ? 'policy.yaml' : ''))).toBe(true);
  return { sandbox, root };
}

async function changedCopies(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.includes('.changed-'));
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
