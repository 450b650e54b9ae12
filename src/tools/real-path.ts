import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

// Same bound as the kernel's (Linux MAXSYMLINKS), and as the file tools' own.
const MAX_LINK_HOPS = 40;

/**
 * An absolute path with its symbolic links resolved, as the file tools meet it (a workspace
 * opened through /tmp is /private/tmp on macOS): the deepest part that exists is resolved and
 * the rest kept as written, so a file a plan is about to write has its real path too. A link
 * whose target does not exist yet is followed by hand, as the file tools follow it: `e3 -> later`
 * is `later`, which an earlier step may write. A path nothing of which can be resolved stays as it is.
 */
export function realPathOf(absolute: string): string {
  return realLocation(path.resolve(absolute), 0) ?? absolute;
}

function realLocation(target: string, hops: number): string | undefined {
  try {
    return realpathSync(target);
  } catch {
    // Not there (yet), or not reachable: resolved below, part by part.
  }
  const parent = path.dirname(target);
  if (parent === target || hops > MAX_LINK_HOPS) return undefined;
  const realParent = realLocation(parent, hops) ?? parent;
  const here = path.join(realParent, path.basename(target));
  let link: string | undefined;
  try {
    link = lstatSync(here).isSymbolicLink() ? readlinkSync(here) : undefined;
  } catch {
    link = undefined;
  }
  return link === undefined ? here : (realLocation(path.resolve(realParent, link), hops + 1) ?? here);
}
