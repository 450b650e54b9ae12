import { chmod, link, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspacePathError, readFileTool, writeFileTool } from '../../src/tools/index.js';
import { createTempDir, createToolContext } from '../helpers/tool-context.js';

let root: string;
let ws: string;
let outside: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: root, cleanup } = await createTempDir());
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await mkdir(ws);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'secret');
  await writeFile(path.join(ws, 'data.txt'), 'inside');
});

afterEach(async () => {
  await cleanup();
});

const read = (p: string) => readFileTool.execute({ path: p }, createToolContext(ws));
const write = (p: string, content: string, append?: boolean) => writeFileTool.execute({ path: p, content, append }, createToolContext(ws));

async function refusal(promise: Promise<unknown>): Promise<WorkspacePathError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(WorkspacePathError.isInstance(error), String(error)).toBe(true);
  expect((error as WorkspacePathError).problem).toBe('outside_workspace');
  return error as WorkspacePathError;
}

describe('read_file / write_file inside the workspace', () => {
  it('reads a relative or absolute path inside', async () => {
    expect(await read('data.txt')).toEqual({ content: 'inside' });
    expect(await read(path.join(ws, 'data.txt'))).toEqual({ content: 'inside' });
    expect(await read('sub/../data.txt')).toEqual({ content: 'inside' });
  });

  it('writes, creating parent directories, and appends', async () => {
    expect(await write('a/b/c.txt', 'héllo')).toEqual({ path: 'a/b/c.txt', bytes: 6 });
    expect(await write('a/b/c.txt', '!', true)).toEqual({ path: 'a/b/c.txt', bytes: 1 });
    expect(await readFile(path.join(ws, 'a/b/c.txt'), 'utf8')).toBe('héllo!');
    expect(await write('a/b/c.txt', 'new')).toEqual({ path: 'a/b/c.txt', bytes: 3 });
    expect(await read('a/b/c.txt')).toEqual({ content: 'new' });
  });

  it('follows a symlink that stays inside', async () => {
    await symlink('data.txt', path.join(ws, 'alias.txt'));
    await mkdir(path.join(ws, 'real-dir'));
    await symlink('real-dir', path.join(ws, 'dir-alias'));
    expect(await read('alias.txt')).toEqual({ content: 'inside' });
    expect(await write('dir-alias/x.txt', 'x')).toEqual({ path: 'real-dir/x.txt', bytes: 1 });
    expect(await write('alias.txt', 'changed')).toEqual({ path: 'data.txt', bytes: 7 });
    expect(await readFile(path.join(ws, 'data.txt'), 'utf8')).toBe('changed');
  });

  it('replaces a file as a whole: its permissions kept, a hard link to a file outside not written through', async () => {
    await chmod(path.join(ws, 'data.txt'), 0o640);
    await write('data.txt', 'replaced');
    expect(await readFile(path.join(ws, 'data.txt'), 'utf8')).toBe('replaced');
    expect((await stat(path.join(ws, 'data.txt'))).mode & 0o777).toBe(0o640);
    await link(path.join(outside, 'secret.txt'), path.join(ws, 'hard-link'));
    await write('hard-link', 'pwned');
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(await readFile(path.join(ws, 'hard-link'), 'utf8')).toBe('pwned');
    expect((await readdir(ws)).sort()).toEqual(['data.txt', 'hard-link']);
  });

  it('refuses to append through a hard link to a file outside', async () => {
    await link(path.join(outside, 'secret.txt'), path.join(ws, 'notes.txt'));
    await expect(write('notes.txt', 'appended', true)).rejects.toThrow(
      'write_file: "notes.txt" is a hard link (the file has 2 names, which may lie outside the workspace); appending to it is refused',
    );
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('a write cut short (the step cancelled) leaves the old content and no stray file', async () => {
    const controller = new AbortController();
    const writing = writeFileTool.execute({ path: 'data.txt', content: 'x'.repeat(16 * 1024 * 1024) }, createToolContext(ws, controller.signal));
    setTimeout(() => controller.abort(), 0);
    await expect(writing).rejects.toThrow(/abort/i);
    expect(await readFile(path.join(ws, 'data.txt'), 'utf8')).toBe('inside');
    expect(await readdir(ws)).toEqual(['data.txt']);
  });

  it('refuses a file that is not UTF-8 text rather than replacing its bytes; keeps a byte order mark', async () => {
    await writeFile(path.join(ws, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]));
    const error = await read('img.png').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(WorkspacePathError.isInstance(error)).toBe(true);
    expect((error as WorkspacePathError).problem).toBe('not_text');
    expect((error as WorkspacePathError).message).toBe('read_file: "img.png" is not UTF-8 text (a binary file?); read it with shell, e.g. base64 or od');
    await writeFile(path.join(ws, 'bom.txt'), '\uFEFFhéllo');
    expect(await read('bom.txt')).toEqual({ content: '\uFEFFhéllo' });
  });

  it('says when a file is missing or is a directory', async () => {
    await expect(read('nope.txt')).rejects.toThrow('read_file: no such file "nope.txt" in the workspace');
    await mkdir(path.join(ws, 'dir'));
    await expect(read('dir')).rejects.toThrow('read_file: "dir" is a directory');
    await expect(read('.')).rejects.toThrow('read_file: "." is a directory');
    await expect(read(ws)).rejects.toThrow(`read_file: "${ws}" is a directory`);
    await expect(write('dir', 'x')).rejects.toThrow('write_file: "dir" is a directory');
    await expect(write('.', 'x')).rejects.toThrow('write_file: "." is a directory');
    await expect(write('./', 'x')).rejects.toThrow('write_file: "./" is a directory');
  });
});

describe('read_file / write_file confinement', () => {
  it('refuses .. that leaves the workspace', async () => {
    const error = await refusal(read('../outside/secret.txt'));
    expect(error.message).toBe(`path "../outside/secret.txt" is outside the workspace ${ws}`);
    await refusal(write('../x', 'x'));
    await refusal(write('a/../../x', 'x'));
    await expect(readFile(path.join(root, 'x'))).rejects.toThrow();
  });

  it('refuses an absolute path outside', async () => {
    await refusal(read(path.join(outside, 'secret.txt')));
    await refusal(write(path.join(outside, 'new.txt'), 'x'));
    await refusal(read('/etc/hostname'));
    await expect(readFile(path.join(outside, 'new.txt'))).rejects.toThrow();
  });

  it('refuses a file symlink pointing outside, for read and write', async () => {
    await symlink(path.join(outside, 'secret.txt'), path.join(ws, 'link.txt'));
    const error = await refusal(read('link.txt'));
    expect(error.message).toBe(`path "link.txt" is outside the workspace ${ws} (a symlink leads to ${path.join(outside, 'secret.txt')})`);
    await refusal(write('link.txt', 'pwned'));
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses a directory symlink pointing outside, for read and write', async () => {
    await symlink(outside, path.join(ws, 'out'));
    await refusal(read('out/secret.txt'));
    await refusal(write('out/new.txt', 'x'));
    await refusal(write('out/deep/new.txt', 'x'));
    await expect(readFile(path.join(outside, 'new.txt'))).rejects.toThrow();
    await expect(readFile(path.join(outside, 'deep/new.txt'))).rejects.toThrow();
  });

  it('refuses writing through a dangling symlink that points outside', async () => {
    await symlink(path.join(outside, 'not-yet.txt'), path.join(ws, 'dangling'));
    await refusal(write('dangling', 'x'));
    await expect(readFile(path.join(outside, 'not-yet.txt'))).rejects.toThrow();
    await expect(read('dangling')).rejects.toThrow(/outside the workspace/);
  });

  it('refuses a symlink that escapes after ..', async () => {
    await mkdir(path.join(outside, 'a'));
    await symlink(path.join(outside, 'a'), path.join(ws, 'hop'));
    // Lexically hop/../.. is the workspace's parent, so this is refused before any link is followed.
    await refusal(write('hop/../../outside/x.txt', 'x'));
  });
});

describe("write_file and the workspace's rules", () => {
  it('refuses to write .ksa/policy.yaml through a link (a file link, a folder link), and writes it by its own name', async () => {
    await mkdir(path.join(ws, '.ksa'));
    await writeFile(path.join(ws, '.ksa', 'policy.yaml'), 'deny:\n  - shell: "curl *"\n');
    await symlink('.ksa/policy.yaml', path.join(ws, 'settings.yaml'));
    await symlink('.ksa', path.join(ws, 'cfg'));
    await expect(write('settings.yaml', 'allow: [shell]\n')).rejects.toThrow(
      'write_file: "settings.yaml" leads to .ksa/policy.yaml through a symbolic link; write it by that name, so the plan asks before the workspace\'s rules are rewritten',
    );
    await expect(write('cfg/policy.yaml', 'allow: [shell]\n')).rejects.toThrow('write_file: "cfg/policy.yaml" leads to .ksa/policy.yaml through a symbolic link');
    expect(await readFile(path.join(ws, '.ksa', 'policy.yaml'), 'utf8')).toBe('deny:\n  - shell: "curl *"\n');
    // By its name the plan rated it a destroy step, which the user approved: written.
    await write('./.ksa/policy.yaml', 'deny: []\n');
    expect(await readFile(path.join(ws, '.ksa', 'policy.yaml'), 'utf8')).toBe('deny: []\n');
    // Other files through the same folder link are files like any other.
    await write('cfg/instructions.md', 'notes');
    expect(await readFile(path.join(ws, '.ksa', 'instructions.md'), 'utf8')).toBe('notes');
  });
});
