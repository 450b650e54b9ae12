import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolError, WorkspacePathError } from './errors.js';

// Same bound as the kernel's (Linux MAXSYMLINKS).
const MAX_LINK_HOPS = 40;

export type WorkspacePath = {
  /** The real location (symlinks resolved) that file operations must use. */
  readonly real: string;
  /** The real location relative to the real workspace, with `/` separators. */
  readonly relative: string;
  /** Whether something exists there. */
  readonly exists: boolean;
  /** The real workspace the location was checked against. */
  readonly realRoot: string;
};

/**
 * Resolves a file tool's `path` and refuses it unless its real location lies
 * inside the real workspace: `..`, absolute paths and symlinks (also ones in
 * parent directories and dangling ones) cannot lead out. Callers must read and
 * write `real`, never the path they were given, so the checked path is the one used.
 */
export async function resolveInWorkspace(workspace: string, userPath: string): Promise<WorkspacePath> {
  const root = path.resolve(workspace);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new ToolError({ message: `workspace ${root} does not exist` });
  }
  if (userPath.includes('\0')) throw new ToolError({ message: `path ${JSON.stringify(shorten(userPath))} contains a NUL byte` });

  const target = path.resolve(root, userPath);
  const { real, exists } = await realLocation(target, 0).catch((error: unknown) => {
    throw pathError(error, userPath);
  });
  if (!isInside(realRoot, real)) {
    const viaLink = isInside(root, target) || isInside(realRoot, target);
    throw new WorkspacePathError({
      path: userPath,
      workspace: root,
      problem: 'outside_workspace',
      message: `path "${shorten(userPath)}" is outside the workspace ${root}${viaLink ? ` (a symlink leads to ${real})` : ''}`,
    });
  }
  return { real, relative: path.relative(realRoot, real).split(path.sep).join('/') || '.', exists, realRoot };
}

/**
 * `realpath` that also works for paths that do not exist yet: the deepest
 * existing ancestor is resolved and the rest appended. A dangling symlink is
 * followed by hand, since writing to it would create its target.
 */
async function realLocation(target: string, hops: number): Promise<{ real: string; exists: boolean }> {
  try {
    return { real: await realpath(target), exists: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (hops > MAX_LINK_HOPS) throw new ToolError({ message: `too many levels of symbolic links at ${target}` });
  const parent = path.dirname(target);
  if (parent === target) return { real: target, exists: false };
  const { real: realParent } = await realLocation(parent, hops);
  const here = path.join(realParent, path.basename(target));
  const link = await lstat(here).then(
    (stats) => (stats.isSymbolicLink() ? readlink(here) : undefined),
    () => undefined,
  );
  if (link === undefined) return { real: here, exists: false };
  return realLocation(path.resolve(realParent, link), hops + 1);
}

const PATH_PROBLEMS: Readonly<Record<string, string>> = {
  ELOOP: 'has too many levels of symbolic links',
  ENAMETOOLONG: 'is too long',
  EACCES: 'cannot be looked at (permission denied)',
};

/** A system error about the path itself becomes a one-line ToolError; others pass. */
function pathError(error: unknown, userPath: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === undefined ? undefined : PATH_PROBLEMS[code];
  return problem ? new ToolError({ message: `path "${shorten(userPath)}" ${problem}`, cause: error }) : error;
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 100)}…${text.slice(-60)}` : text;
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}
