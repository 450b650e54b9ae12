import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { draftAgentsSection, formatProjectInstructions, gatherWorkspaceContext, instructionNotices, readProjectInstructions } from '../../src/agent/index.js';
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

  it('reads both, AGENTS.md first, within one budget; what is cut is said', async () => {
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
      ['AGENTS.md', 'line one\nline two', true],
      ['.ksa/instructions.md', 'use', true],
    ]);
    expect(formatProjectInstructions(cut!)).toContain('[AGENTS.md was cut here: 17 of its 28 characters are shown]');
    expect(instructionNotices(cut)).toEqual([expect.stringMatching(/^AGENTS\.md \(28 characters\) and \.ksa\/instructions\.md \(8 characters\) are longer than the/)]);
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
