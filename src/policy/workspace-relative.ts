import { resolvedSegments } from './path-segments.js';

/** The workspace's absolute path as given, and how to resolve symbolic links (realPathOf from src/tools), where known. */
export type WorkspaceRoot = { readonly path: string; readonly realPath?: (absolute: string) => string };

/**
 * A file named by its absolute path inside the workspace as its path from the workspace root
 * (`/srv/app/deploy.sh` in /srv/app is `deploy.sh`), so `write_file /srv/app/deploy.sh` then
 * `sh deploy.sh`, or `write_file deploy.sh` then `sh /srv/app/deploy.sh`, is one file. With
 * `realPath`, also when one of them goes through a symbolic link to the other (/tmp and
 * /private/tmp on macOS). Any other path, or any path when the workspace is not known, as it is.
 */
export function workspaceRelative(path: string, workspace: WorkspaceRoot | undefined): string {
  if (workspace === undefined || !path.startsWith('/') || !workspace.path.startsWith('/')) return path;
  const given = underRoot(path, workspace.path);
  if (given !== undefined || !workspace.realPath) return given ?? path;
  return underRoot(workspace.realPath(path), workspace.realPath(workspace.path)) ?? path;
}

function underRoot(path: string, workspace: string): string | undefined {
  const root = resolvedSegments(workspace.split('/'));
  const segments = resolvedSegments(path.split('/'));
  if (segments.length < root.length || root.some((segment, i) => segments[i] !== segment)) return undefined;
  return segments.slice(root.length).join('/');
}

/** A written file's path as workspacePath spells it; a folder a step brings (`git clone URL r`) keeps its `/`. */
export function writtenPath(cwd: string, file: string, workspace?: WorkspaceRoot): string {
  return file.endsWith('/') ? `${workspacePath(cwd, file, workspace)}/` : workspacePath(cwd, file, workspace);
}

/** Whether a path is inside a folder entry of writtenPath (`r/`; `/` for the workspace root). */
export function inFolder(path: string, entry: string): boolean {
  if (!entry.endsWith('/')) return false;
  const folder = entry.slice(0, -1);
  return folder === '' ? !path.startsWith('/') : path.startsWith(entry);
}

/**
 * A path as the workspace sees it, from a step's `cwd` (`deploy.sh` in `app` and `./app/deploy.sh`
 * are one file): `.` and empty segments dropped, `..` taken back; one inside the workspace by its absolute path as from its root.
 */
export function workspacePath(cwd: string, file: string, workspace?: WorkspaceRoot): string {
  const whole = file.startsWith('/') ? file : `${cwd}/${file}`;
  return workspaceRelative(`${whole.startsWith('/') ? '/' : ''}${resolvedSegments(whole.split('/')).join('/')}`, workspace);
}
