import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KsaError } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// Workspace escapes: every file in test/corpus/escapes/ is one hostile `path` for read_file and
// write_file (`..`, absolute paths, symlinks and symlinked parents, `~`, encoded separators,
// NUL, long paths, look-alike unicode), with the symlinks to plant first. Next to the workspace
// lie `outside/secret.txt` and `ws-evil/secret.txt`; the count of escapes must be 0: no read
// returns a secret, no write changes anything outside the workspace.

type Case = { path: string; links?: Record<string, string>; mkdirs?: string[]; ops?: ('read' | 'write')[] };

const CORPUS = path.join(import.meta.dirname, 'escapes');
const files = (await readdir(CORPUS)).filter((name) => name.endsWith('.yaml')).sort();
const cases = await Promise.all(files.map(async (name) => [name, parse(await readFile(path.join(CORPUS, name), 'utf8')) as Case] as const));
const registry = createBuiltinRegistry();
const roots: string[] = [];

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function sandbox(testCase: Case) {
  const root = await mkdtemp(path.join(tmpdir(), 'ksa-escape-'));
  roots.push(root);
  const workspace = path.join(root, 'ws');
  const secret = `SECRET-${path.basename(root)}`;
  for (const dir of ['ws', 'outside', 'ws-evil']) await mkdir(path.join(root, dir));
  await writeFile(path.join(root, 'outside/secret.txt'), secret);
  await writeFile(path.join(root, 'ws-evil/secret.txt'), secret);
  const fill = (text: string) => text.replaceAll('{outside}', path.join(root, 'outside')).replaceAll('{root}', root);
  for (const dir of testCase.mkdirs ?? []) await mkdir(fill(dir), { recursive: true });
  for (const [link, target] of Object.entries(testCase.links ?? {})) {
    await mkdir(path.dirname(path.join(workspace, link)), { recursive: true });
    await symlink(fill(target), path.join(workspace, link));
  }
  return { root, workspace, secret, userPath: fill(testCase.path) };
}

/** Every file outside the workspace under the sandbox root, with its content. */
async function outsideFiles(root: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (full === path.join(root, 'ws') || full.startsWith(path.join(root, 'ws') + path.sep)) continue;
    found[path.relative(root, full)] = entry.isFile() ? await readFile(full, 'utf8') : entry.isDirectory() ? '<dir>' : '<other>';
  }
  return found;
}

const call = (tool: string, args: Record<string, unknown>, workspace: string) =>
  registry.invoke({ tool, args, stepId: 'escape', attempt: 1, phase: 'run', signal: AbortSignal.timeout(10_000), onOutput: () => {} }, { workspace });

/** A refusal is one of ksa's typed errors with a message, not a raw system error. */
function expectCleanRefusal(error: unknown) {
  expect(error, String(error)).toBeInstanceOf(KsaError);
  expect((error as Error).message.split('\n')).toHaveLength(1);
}

describe('workspace escape corpus', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s: 0 escapes', async (_, testCase) => {
    const { root, workspace, secret, userPath } = await sandbox(testCase);
    const before = await outsideFiles(root);
    const ops = testCase.ops ?? ['read', 'write'];

    if (ops.includes('read')) {
      const read = await call('read_file', { path: userPath }, workspace).then(
        (output) => ({ ok: true as const, output: output as { content: string } }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (read.ok) expect(read.output.content).not.toContain(secret);
      else expectCleanRefusal(read.error);
      if (read.ok && path.isAbsolute(userPath)) throw new Error(`read_file read ${userPath}, outside the workspace`);
    }

    if (ops.includes('write')) {
      const written = await call('write_file', { path: userPath, content: 'PWNED' }, workspace).then(
        (output) => ({ ok: true as const, output: output as { path: string } }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (written.ok) {
        // Whatever was written lies inside the workspace.
        expect(written.output.path === '..' || written.output.path.startsWith('../') || path.isAbsolute(written.output.path)).toBe(false);
        expect(await readFile(path.join(workspace, written.output.path), 'utf8')).toBe('PWNED');
      } else expectCleanRefusal(written.error);
    }
    expect(await outsideFiles(root)).toEqual(before);
  });
});
