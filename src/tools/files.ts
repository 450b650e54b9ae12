import { constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineTool } from './tool.js';
import { ToolError, WorkspacePathError } from './errors.js';
import { resolveInWorkspace } from './workspace.js';
import { openInWorkspace, replaceInWorkspace } from './workspace-open.js';

/** Contents become a step output that is kept in the run's state; bigger files belong to `shell`. */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

const PathSchema = z.string().min(1).describe('File path relative to the workspace (absolute paths must lie inside it).');

export const ReadFileInputSchema = z
  .strictObject({ path: PathSchema })
  .describe('Reads a UTF-8 text file from the workspace.');

export const ReadFileOutputSchema = z.strictObject({
  content: z.string().describe('The file content, decoded as UTF-8.'),
});

export const readFileTool = defineTool({
  name: 'read_file',
  description: 'Read a UTF-8 text file inside the workspace (a file that is not UTF-8 text is refused). Paths outside the workspace (also through symlinks) are refused.',
  inputSchema: ReadFileInputSchema,
  outputSchema: ReadFileOutputSchema,
  risk: 'low',
  describe: (input) => `read ${input.path}`,
  async execute(input, { workspace, signal }) {
    signal.throwIfAborted();
    const target = await resolveInWorkspace(workspace, input.path);
    const problem = (kind: 'not_found' | 'not_a_file' | 'not_text' | 'too_large', message: string) =>
      new WorkspacePathError({ path: input.path, workspace: path.resolve(workspace), problem: kind, message: `read_file: ${message}` });
    if (!target.exists) throw problem('not_found', `no such file "${input.path}" in the workspace`);
    // The workspace itself: its folder is outside, which is not what is wrong with it.
    if (target.real === target.realRoot) throw problem('not_a_file', `"${input.path}" is a directory`);
    // O_NONBLOCK: a FIFO planted there must not hang the step in open(2); it is refused below as not a file.
    const handle = await openInWorkspace(target, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'ELOOP' ? problem('not_a_file', `"${input.path}" became a symbolic link while it was read`) : error;
    });
    try {
      // The opened file's own facts, not the path's: the path may have changed since.
      const stats = await handle.stat();
      if (!stats.isFile()) throw problem('not_a_file', `"${input.path}" is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}`);
      if (stats.size > MAX_READ_BYTES) {
        throw problem('too_large', `"${input.path}" has ${stats.size} bytes, more than the ${MAX_READ_BYTES} a step can read (use shell, e.g. head or grep)`);
      }
      const bytes = await handle.readFile({ signal });
      // Fatal: a binary decoded leniently would come back with its bytes silently replaced by U+FFFD.
      // A byte order mark is kept, so writing the content back gives the same file.
      try {
        return { content: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
      } catch {
        throw problem('not_text', `"${input.path}" is not UTF-8 text (a binary file?); read it with shell, e.g. base64 or od`);
      }
    } finally {
      await handle.close();
    }
  },
});

export const WriteFileInputSchema = z
  .strictObject({
    path: PathSchema,
    content: z.string().describe('Text to write, as UTF-8.'),
    append: z.boolean().optional().describe('Append instead of replacing the file (default false).'),
  })
  .describe('Writes a UTF-8 text file in the workspace, creating parent directories.');

export const WriteFileOutputSchema = z.strictObject({
  path: z.string().describe('Where the file was written, relative to the workspace.'),
  bytes: z.int().describe('Bytes written by this call.'),
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Write (or append to) a UTF-8 text file inside the workspace, creating parent directories. Paths outside the workspace (also through symlinks) are refused.',
  inputSchema: WriteFileInputSchema,
  outputSchema: WriteFileOutputSchema,
  risk: 'medium',
  stepRisk: { levels: ['write', 'destroy'], by: 'the path (.ksa/policy.yaml is destroy)' },
  describe: (input) => `${input.append ? 'append to' : 'write'} ${input.path}${typeof input.content === 'string' ? ` (${Buffer.byteLength(input.content)} bytes)` : ''}`,
  async execute(input, { workspace, signal }) {
    signal.throwIfAborted();
    const target = await resolveInWorkspace(workspace, input.path);
    refuseHiddenPolicyWrite(workspace, input.path, target.relative);
    // The workspace itself: its folder is outside, which is not what is wrong with it.
    if (target.real === target.realRoot) throw asWriteError(Object.assign(new Error('is the workspace'), { code: 'EISDIR' }), input.path);
    try {
      await mkdir(path.dirname(target.real), { recursive: true });
      // Resolved again after mkdir: a directory created meanwhile could be a symlink.
      const checked = await resolveInWorkspace(workspace, input.path);
      // A symlink planted at the checked location, or a folder swapped for one, after the check is refused, not followed.
      if (input.append) {
        // O_NONBLOCK: a FIFO planted there must not hang the step in open(2); it is refused below as not a file.
        const handle = await openInWorkspace(checked, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NONBLOCK, 0o666);
        try {
          // The opened file's own facts, not the path's: the path may have changed since.
          const stats = await handle.stat();
          if (!stats.isFile()) throw new ToolError({ message: `write_file: "${shorten(input.path)}" is not a regular file` });
          // Its other names may lie outside the workspace; replacing gives the name a new file, appending cannot.
          if (stats.nlink > 1) {
            throw new ToolError({ message: `write_file: "${shorten(input.path)}" is a hard link (the file has ${stats.nlink} names, which may lie outside the workspace); appending to it is refused` });
          }
          await handle.writeFile(input.content, { encoding: 'utf8', signal });
        } finally {
          await handle.close();
        }
      } else {
        await replaceInWorkspace(checked, input.content, signal);
      }
      return { path: checked.relative, bytes: Buffer.byteLength(input.content) };
    } catch (error) {
      throw asWriteError(error, input.path);
    }
  },
});

function asWriteError(error: unknown, userPath: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    EISDIR: 'is a directory',
    ENOTDIR: 'has a parent that is a file, not a directory',
    EEXIST: 'has a parent that is a file, not a directory',
    EACCES: 'is not writable (permission denied)',
    EPERM: 'is not writable (operation not permitted)',
    EROFS: 'is on a read-only file system',
    ENOSPC: 'cannot be written: no space left on the device',
    ENAMETOOLONG: 'is too long a path',
    ELOOP: 'has too many levels of symbolic links',
    // What a non-blocking open of a FIFO nobody reads (or of a device with none behind it) answers.
    ENXIO: 'is not a regular file',
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason ? new ToolError({ message: `write_file: "${shorten(userPath)}" ${reason}`, cause: error }) : error;
}

function shorten(userPath: string): string {
  return userPath.length > 200 ? `${userPath.slice(0, 100)}…${userPath.slice(-60)}` : userPath;
}

const POLICY_FILE = /^\.ksa\/policy\.ya?ml$/;

/**
 * A write that lands on the workspace's rules (`.ksa/policy.yaml`) through a symbolic link (`settings.yaml ->
 * .ksa/policy.yaml`, a folder `cfg -> .ksa`, shipped by a cloned repository or made by an earlier step) is refused:
 * the plan rated it by the name it wrote, a plain write, where naming the file itself is a destroy step, always asked.
 */
function refuseHiddenPolicyWrite(workspace: string, userPath: string, realRelative: string): void {
  if (!POLICY_FILE.test(realRelative)) return;
  const root = path.resolve(workspace);
  const named = path.relative(root, path.resolve(root, userPath)).split(path.sep).join('/');
  if (named === realRelative) return;
  throw new ToolError({
    message: `write_file: "${shorten(userPath)}" leads to ${realRelative} through a symbolic link; write it by that name, so the plan asks before the workspace's rules are rewritten`,
  });
}
