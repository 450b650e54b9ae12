import { resolvedSegments } from './path-segments.js';

/**
 * A file named by its absolute path inside the workspace as its path from the workspace root
 * (`/srv/app/deploy.sh` in /srv/app is `deploy.sh`), so `write_file /srv/app/deploy.sh` then
 * `sh deploy.sh`, or `write_file deploy.sh` then `sh /srv/app/deploy.sh`, is one file. Any other
 * path, or any path when the workspace is not known, as it is.
 */
export function workspaceRelative(path: string, workspace: string | undefined): string {
  if (workspace === undefined || !path.startsWith('/') || !workspace.startsWith('/')) return path;
  const root = resolvedSegments(workspace.split('/'));
  const segments = resolvedSegments(path.split('/'));
  if (segments.length < root.length || root.some((segment, i) => segments[i] !== segment)) return path;
  return segments.slice(root.length).join('/');
}
