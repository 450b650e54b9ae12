import { resolvedSegments } from '../path-segments.js';

/** The tools whose command line is a workspace path. */
export const FILE_TOOLS: ReadonlySet<string> = new Set(['read_file', 'write_file']);

/**
 * A file tool's path as the tool resolves it, which is what rules are written for: relative
 * to the workspace, `.` and empty segments dropped, `..` taken back (`./.env`, `x/../.env`
 * and `<workspace>/.env` are `.env`; `./secrets/a` is `secrets/a`). An absolute path outside
 * the workspace (which the tool refuses) or one when the workspace is not known stays
 * absolute, normalised the same way. With `realPath`, both are compared with their symbolic
 * links resolved (a workspace opened through a link to where the path points), a relative path too:
 * the tool reads where a link in the workspace leads (`e2 -> .env` is `.env`, `s2/api` is `secrets/api`
 * when `s2 -> secrets`), so that is the file a rule about `.env` or `secrets/*` is about.
 */
export function workspacePath(filePath: string, workspace: string | undefined, realPath?: (absolute: string) => string): string {
  const segments = resolvedSegments(filePath.split(/[\\/]/));
  if (realPath && workspace !== undefined) {
    const absolute = `${filePath.startsWith('/') ? '' : workspace}/${segments.join('/')}`;
    return workspacePath(realPath(absolute), realPath(workspace));
  }
  if (!filePath.startsWith('/')) return segments.join('/') || '.';
  const root = workspace === undefined ? undefined : resolvedSegments(workspace.split('/'));
  if (root === undefined || !root.every((segment, index) => segments[index] === segment)) return `/${segments.join('/')}`;
  return segments.slice(root.length).join('/') || '.';
}

/**
 * A file tool's path as an absolute path, as written (from the workspace when relative) and with its symbolic
 * links resolved: an absolute rule with globs (`/tmp/**\/secrets/*`) meets `secrets/api` in a workspace under /tmp.
 */
export function absolutePaths(filePath: string, workspace: string | undefined, realPath?: (absolute: string) => string): string[] {
  if (!filePath.startsWith('/') && workspace === undefined) return [];
  const absolute = `/${resolvedSegments(`${filePath.startsWith('/') ? '' : `${workspace}/`}${filePath}`.split(/[\\/]/)).join('/')}`;
  return realPath ? [absolute, realPath(absolute)] : [absolute];
}
