import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspacePathError } from '../../src/tools/errors.js';
import { readFileTool, writeFileTool } from '../../src/tools/files.js';
import { resolveInWorkspace } from '../../src/tools/workspace.js';
import { openInWorkspace } from '../../src/tools/workspace-open.js';

// The window between checking a path and opening it: a folder on the way is
// swapped for a symlink that leads out of the workspace after the check.

let dir: string;
let workspace: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ksa-open-'));
  workspace = path.join(dir, 'work');
  outside = path.join(dir, 'outside');
  await mkdir(path.join(workspace, 'conf'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'app.env'), 'SECRET=outside\n');
  await writeFile(path.join(workspace, 'conf', 'app.env'), 'PORT=8080\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Checked while `conf` is a real folder, then `conf` is replaced by a symlink to `outside`. */
async function checkThenSwap(file: string) {
  const checked = await resolveInWorkspace(workspace, `conf/${file}`);
  await rename(path.join(workspace, 'conf'), path.join(workspace, 'conf-old'));
  await symlink(outside, path.join(workspace, 'conf'));
  return checked;
}

describe.runIf(process.platform === 'linux')('openInWorkspace', () => {
  it('opens a checked file that stayed where it was', async () => {
    const handle = await openInWorkspace(await resolveInWorkspace(workspace, 'conf/app.env'), constants.O_RDONLY);
    try {
      expect(await handle.readFile('utf8')).toBe('PORT=8080\n');
    } finally {
      await handle.close();
    }
  });

  it('refuses to write through a parent folder swapped for a symlink after the check', async () => {
    const checked = await checkThenSwap('app.env');
    const error = await openInWorkspace(checked, constants.O_WRONLY | constants.O_TRUNC).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(WorkspacePathError);
    expect((error as WorkspacePathError).message).toMatch(/^path "conf\/app\.env" left the workspace .* while it was opened/);
    expect(await readFile(path.join(outside, 'app.env'), 'utf8')).toBe('SECRET=outside\n');
  });

  it('refuses to create a file through a swapped folder: nothing appears outside', async () => {
    const checked = await checkThenSwap('new.txt');
    await expect(openInWorkspace(checked, constants.O_WRONLY | constants.O_CREAT, 0o644)).rejects.toBeInstanceOf(WorkspacePathError);
    expect(execFileSync('ls', [outside], { encoding: 'utf8' }).trim().split('\n')).toEqual(['app.env']);
  });

  it('read_file refuses a FIFO without hanging', async () => {
    execFileSync('mkfifo', [path.join(workspace, 'conf', 'pipe')]);
    const controller = new AbortController();
    await expect(readFileTool.execute({ path: 'conf/pipe' }, { workspace, signal: controller.signal } as Parameters<typeof readFileTool.execute>[1])).rejects.toThrow(
      'read_file: "conf/pipe" is not a regular file',
    );
  });

  it('write_file append refuses a FIFO without hanging, whether or not something reads it', async () => {
    const pipe = path.join(workspace, 'conf', 'pipe');
    execFileSync('mkfifo', [pipe]);
    const context = { workspace, signal: new AbortController().signal } as Parameters<typeof writeFileTool.execute>[1];
    const append = () => writeFileTool.execute({ path: 'conf/pipe', content: 'x', append: true }, context);
    await expect(append()).rejects.toThrow('write_file: "conf/pipe" is not a regular file');
    const reader = await open(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await expect(append()).rejects.toThrow('write_file: "conf/pipe" is not a regular file');
      expect((await reader.read(Buffer.alloc(8), 0, 8, null).catch(() => ({ bytesRead: 0 }))).bytesRead).toBe(0);
    } finally {
      await reader.close();
    }
  });
});
