import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * An absolute path with its symbolic links resolved, as the file tools meet it (a workspace
 * opened through /tmp is /private/tmp on macOS): the deepest part that exists is resolved and
 * the rest kept as written, so a file a plan is about to write has its real path too. A path
 * nothing of which can be resolved stays as it is.
 */
export function realPathOf(absolute: string): string {
  let existing = path.resolve(absolute);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}
