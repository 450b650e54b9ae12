import { execFileSync } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, open, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { draftAgentsSection, formatProjectInstructions, writeAgentsSection, gatherWorkspaceContext, instructionNotices, readProjectInstructions } from '../../src/agent/index.js';
import { createTempDir } from '../helpers/tool-context.js';

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await createTempDir('ksa-instructions-');
});
afterEach(() => temp.cleanup());

describe('readProjectInstructions', () => {
  it('none, or empty files: undefined', async () => {
    expect(await readProjectInstructions(temp.dir)).toBeUndefined();
    await writeFile(path.join(temp.dir, 'AGENTS.md'), '  \n');
    expect(await readProjectInstructions(temp.dir)).toBeUndefined();
  });

  it('reads both, shown AGENTS.md first; .ksa/instructions.md has its room first; what is cut is said', async () => {
    await writeFile(path.join(temp.dir, 'AGENTS.md'), 'line one\nline two\nline three\n');
    await mkdir(path.join(temp.dir, '.ksa'));
    await writeFile(path.join(temp.dir, '.ksa/instructions.md'), 'use pnpm\n');
    const all = await readProjectInstructions(temp.dir);
    expect(all?.files.map((file) => [file.file, file.text, file.truncated])).toEqual([
      ['AGENTS.md', 'line one\nline two\nline three', false],
      ['.ksa/instructions.md', 'use pnpm', false],
    ]);
    expect(instructionNotices(all)).toEqual([]);
    const cut = await readProjectInstructions(temp.dir, 20);
    expect(cut?.files.map((file) => [file.file, file.text, file.truncated])).toEqual([
      ['AGENTS.md', 'line one', true],
      ['.ksa/instructions.md', 'use pnpm', false],
    ]);
    expect(formatProjectInstructions(cut)).toContain('--- AGENTS.md ---\nline one\n[AGENTS.md was cut here: 8 of its 28 characters are shown]\n--- .ksa/instructions.md ---\nuse pnpm');
    expect(instructionNotices(cut)).toEqual(['AGENTS.md is cut at a line end: the model is given 8 of its 28 characters (project instructions may be 20 characters together)']);
  });
});

describe('readProjectInstructions: the cut', () => {
  const write = async (agents: string, ksa?: string) => {
    await writeFile(path.join(temp.dir, 'AGENTS.md'), agents);
    if (ksa === undefined) return;
    await mkdir(path.join(temp.dir, '.ksa'), { recursive: true });
    await writeFile(path.join(temp.dir, '.ksa/instructions.md'), ksa);
  };

  it('a long AGENTS.md leaves a short .ksa/instructions.md whole, and is itself cut at a line end', async () => {
    const agents = Array.from({ length: 400 }, (_, i) => `general rule ${i}: prefer small commits and clear names\n`).join('');
    await write(agents, 'KSA-ONLY: never deploy to prod-eu\n');
    const read = await readProjectInstructions(temp.dir);
    const [generic, own] = read?.files ?? [];
    expect(own).toMatchObject({ file: '.ksa/instructions.md', text: 'KSA-ONLY: never deploy to prod-eu', truncated: false });
    expect(generic?.truncated).toBe(true);
    expect(generic!.text.length).toBeLessThanOrEqual(12_000 - own!.text.length);
    expect(agents.startsWith(`${generic!.text}\n`)).toBe(true);
    expect(instructionNotices(read)).toEqual([`AGENTS.md is cut at a line end: the model is given ${generic!.text.length} of its 21889 characters (project instructions may be 12000 characters together)`]);
  });

  it('never inside a line: a first line longer than the room leaves the file out, and says so', async () => {
    await write(`${'x'.repeat(30)} one long first line\nsecond\n`, 'a rule of ksa\n');
    const read = await readProjectInstructions(temp.dir, 30);
    expect(read?.files.map((file) => [file.file, file.text, file.truncated])).toEqual([
      ['AGENTS.md', '', true],
      ['.ksa/instructions.md', 'a rule of ksa', false],
    ]);
    expect(formatProjectInstructions(read)).toContain('--- AGENTS.md ---\n[AGENTS.md was cut here: 0 of its 57 characters are shown]\n--- .ksa/instructions.md ---\na rule of ksa');
    expect(instructionNotices(read)).toEqual(['AGENTS.md is left out: its first line is longer than the 17 characters left for it (project instructions may be 30 characters together)']);
  });

  it('a line that ends right at the room is kept whole', async () => {
    await write('0123456789\nmore\n');
    expect((await readProjectInstructions(temp.dir, 10))?.files[0]?.text).toBe('0123456789');
  });

  it('a .ksa/instructions.md that takes all the room leaves AGENTS.md out, with a notice for each', async () => {
    await write('never touch billing\n', 'rule one\nrule two\nrule three\n');
    const read = await readProjectInstructions(temp.dir, 17);
    expect(read?.files.map((file) => [file.file, file.text])).toEqual([
      ['AGENTS.md', ''],
      ['.ksa/instructions.md', 'rule one\nrule two'],
    ]);
    expect(instructionNotices(read)).toEqual([
      'AGENTS.md is left out: no room is left for it (project instructions may be 17 characters together)',
      '.ksa/instructions.md is cut at a line end: the model is given 17 of its 28 characters (project instructions may be 17 characters together)',
    ]);
  });
});

describe('readProjectInstructions: only the start of a regular text file is read', () => {
  const agents = () => path.join(temp.dir, 'AGENTS.md');
  const withKsaFile = async () => {
    await mkdir(path.join(temp.dir, '.ksa'));
    await writeFile(path.join(temp.dir, '.ksa/instructions.md'), 'use pnpm\n');
  };
  const skippedAgents = async () => {
    const read = await readProjectInstructions(temp.dir);
    expect(read?.files.map((file) => file.file)).toEqual(['.ksa/instructions.md']);
    expect(formatProjectInstructions(read)).not.toContain('AGENTS.md');
    return instructionNotices(read);
  };

  it('a FIFO is skipped with a notice, not waited on', async () => {
    execFileSync('mkfifo', [agents()]);
    await withKsaFile();
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is a FIFO (named pipe), not a regular file']);
  });

  it('a directory or a device is skipped with a notice', async () => {
    await withKsaFile();
    await mkdir(agents());
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is a directory, not a regular file']);
    execFileSync('rmdir', [agents()]);
    await symlink('/dev/zero', agents());
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is a device, not a regular file']);
  });

  it('a binary, or text that is not UTF-8, is skipped with a notice', async () => {
    await withKsaFile();
    await copyFile(process.execPath, agents());
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is not text (it has NUL bytes)']);
    await writeFile(agents(), Buffer.from('caf\xe9 au lait\n', 'latin1'));
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is not UTF-8 text']);
  });

  it.skipIf(process.getuid?.() === 0)('a file that cannot be read is named with the reason (chmod 000; root reads it anyway)', async () => {
    await withKsaFile();
    await writeFile(agents(), 'never touch billing\n');
    await chmod(agents(), 0o000);
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it cannot be read (permission denied)']);
  });

  it('a symbolic link that leads nowhere, or in a loop, is named with the reason', async () => {
    await withKsaFile();
    await symlink('CLAUDE.md', agents());
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it is a symbolic link to CLAUDE.md, which does not exist']);
    await writeFile(path.join(temp.dir, 'CLAUDE.md'), 'never touch billing\n');
    expect((await readProjectInstructions(temp.dir))?.files[0]?.text).toBe('never touch billing');
    execFileSync('rm', [agents()]);
    await symlink('AGENTS.md', agents());
    expect(await skippedAgents()).toEqual(['AGENTS.md is skipped: it cannot be read (too many levels of symbolic links)']);
  });

  it('a link to a file outside the workspace is not read (it would go to the model): skipped with a notice naming where it leads', async () => {
    const outside = await createTempDir('ksa-outside-');
    try {
      const secret = path.join(outside.dir, 'credentials');
      await writeFile(secret, 'aws_secret_access_key = wJalrXUtnFEMIsecretOUTSIDE\n');
      await symlink(secret, agents());
      await mkdir(path.join(outside.dir, 'ksa'));
      await writeFile(path.join(outside.dir, 'ksa', 'instructions.md'), 'root:x:0:0\n');
      await symlink(path.join(outside.dir, 'ksa'), path.join(temp.dir, '.ksa'));
      const read = await readProjectInstructions(temp.dir);
      expect(read?.files).toEqual([]);
      expect(instructionNotices(read)).toEqual([
        `AGENTS.md is skipped: it is a symbolic link to ${secret}, outside the workspace`,
        `.ksa/instructions.md is skipped: it is a symbolic link to ${path.join(outside.dir, 'ksa', 'instructions.md')}, outside the workspace`,
      ]);
      expect(formatProjectInstructions(read)).toBeUndefined();
    } finally {
      await outside.cleanup();
    }
  });

  it('of a huge file only the start is read: its text is kept, the rest (NUL bytes here) never seen', async () => {
    const lines = 'RULE-ONE: never touch namespace billing\n'.repeat(2000);
    await writeFile(agents(), lines);
    // Sparse: 600 MB of zeros after the text, on no disk; read whole, it would be NUL bytes (or memory).
    await truncate(agents(), 600_000_000);
    const read = await readProjectInstructions(temp.dir);
    const [file] = read?.files ?? [];
    expect(file?.text.startsWith('RULE-ONE: never touch namespace billing\n')).toBe(true);
    expect(file?.text).not.toContain('\0');
    expect(file?.length).toEqual({ bytes: 600_000_000 });
    expect(file?.truncated).toBe(true);
    expect(formatProjectInstructions(read)).toContain(`[AGENTS.md was cut here: the first ${file?.text.length} characters of its 600000000 bytes are shown]`);
    expect(instructionNotices(read)).toEqual([`AGENTS.md is cut at a line end: the model is given the first ${file?.text.length} characters of its 600000000 bytes (project instructions may be 12000 characters together)`]);
  });

  it('a start that ends inside a character is still text', async () => {
    // 3-byte characters: the bytes read end inside one.
    const handle = await open(agents(), 'w');
    await handle.write(`${'€'.repeat(99)}\n`.repeat(300));
    await handle.close();
    const [file] = (await readProjectInstructions(temp.dir))?.files ?? [];
    expect(file?.truncated).toBe(true);
    expect(file?.text).toMatch(/^[€\n]+$/);
  });
});

describe('draftAgentsSection', () => {
  it('drafts from the scan, with blanks for what only the user knows', async () => {
    await writeFile(path.join(temp.dir, 'package.json'), JSON.stringify({ name: 'shop', main: 'server.js', scripts: { test: 'node --test', start: 'node server.js' } }));
    await writeFile(path.join(temp.dir, 'Containerfile'), 'FROM scratch\n');
    const draft = draftAgentsSection(await gatherWorkspaceContext(temp.dir, { PATH: '' }));
    expect(draft.split('\n')).toEqual([
      '## Deploying with ksa',
      '',
      '<!-- Drafted by ksa /init from a scan of this workspace: check it, fill in the blanks. -->',
      '- App: `shop` (entry server.js); scripts: `npm run test`, `npm run start`.',
      '- Run `npm test` before any deploy; do not deploy when it fails.',
      '- Container files: `Containerfile` (no docker or podman found here).',
      '- Production cluster: kube context `<fill in>`; deploy there only when asked by name.',
      '- Never touch: namespaces `<fill in>`.',
      '- Health check after a deploy: `<URL or path, fill in>`.',
      '',
    ]);
  });
});

describe('writeAgentsSection', () => {
  const agents = () => path.join(temp.dir, 'AGENTS.md');

  it('appends after what is there, once', async () => {
    await writeFile(agents(), '# Shop\n');
    expect(await writeAgentsSection(temp.dir, '## Deploying with ksa\n- x\n')).toEqual({ written: true, file: agents() });
    expect(await readFile(agents(), 'utf8')).toBe('# Shop\n\n## Deploying with ksa\n- x\n');
    expect((await writeAgentsSection(temp.dir, '## Deploying with ksa\n')).written).toBe(false);
  });

  it('says so when the section lands past what the model is given of a long AGENTS.md', async () => {
    await writeFile(agents(), 'rule: keep this line intact please, it matters\n'.repeat(400));
    const result = await writeAgentsSection(temp.dir, '## Deploying with ksa\n- x\n');
    expect(result).toEqual({
      written: true,
      file: agents(),
      unread: `it is past the 12000 characters of project instructions the model is given, so the model does not read it: move it up in ${agents()}, or into .ksa/instructions.md (read first)`,
    });
    expect(formatProjectInstructions(await readProjectInstructions(temp.dir))).not.toContain('## Deploying with ksa');
  });

  it('says so too when the cut falls inside the section: its last lines are lost', async () => {
    await writeFile(agents(), 'rule: keep this line intact please, it matters\n'.repeat(248));
    const section = '## Deploying with ksa\n- App: shop\n- Never touch: namespaces `prod`.\n'.padEnd(400, 'x').concat('\n- Health check: /healthz\n');
    const result = await writeAgentsSection(temp.dir, section);
    const given = formatProjectInstructions(await readProjectInstructions(temp.dir));
    expect(given).toContain('## Deploying with ksa');
    expect(given).not.toContain('Health check');
    expect(result).toMatchObject({ written: true, unread: expect.stringMatching(/^its last lines are past the 12000 characters/) });
  });

  it('leaves a FIFO, a binary or a huge AGENTS.md as it is, saying why, instead of waiting on it or appending to it', async () => {
    execFileSync('mkfifo', [agents()]);
    expect(await writeAgentsSection(temp.dir, '## Deploying with ksa\n')).toEqual({ written: false, file: agents(), reason: `${agents()} is left as it is: it is a FIFO (named pipe), not a regular file` });
    expect((await lstat(agents())).isFIFO()).toBe(true);
    execFileSync('rm', [agents()]);
    await copyFile(process.execPath, agents());
    expect(await writeAgentsSection(temp.dir, '## Deploying with ksa\n')).toMatchObject({ written: false, reason: `${agents()} is left as it is: it is not text (it has NUL bytes)` });
    await writeFile(agents(), 'a rule\n'.repeat(200_000));
    expect(await writeAgentsSection(temp.dir, '## Deploying with ksa\n')).toMatchObject({ written: false, reason: `${agents()} is left as it is: it is larger than 1 MiB; add the section by hand` });
  });

  it('does not write through an AGENTS.md that links out of the workspace (to ~/.bashrc, say)', async () => {
    const outside = await createTempDir('ksa-outside-');
    try {
      const target = path.join(outside.dir, 'bashrc');
      await writeFile(target, 'export PATH=$PATH\n');
      await symlink(target, agents());
      expect(await writeAgentsSection(temp.dir, '## Deploying with ksa\n')).toEqual({ written: false, file: agents(), reason: `${agents()} is left as it is: it is a symbolic link to ${target}, outside the workspace` });
      expect(await readFile(target, 'utf8')).toBe('export PATH=$PATH\n');
    } finally {
      await outside.cleanup();
    }
  });
});
