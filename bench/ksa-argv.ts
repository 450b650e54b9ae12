import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The package's root: this module runs from bench/ (tests) and from dist/bench/ (npm run bench). */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'bin', 'ksa.js'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`bin/ksa.js not found above ${from}`);
  }
}

export const REPO_ROOT = packageRoot(import.meta.dirname);
const KSA_BIN = path.join(REPO_ROOT, 'bin/ksa.js');

/** The flags of bin/ksa.js's `#!/usr/bin/env -S node …` line. */
export const KSA_FLAGS: readonly string[] = readFileSync(KSA_BIN, 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(3);

/** Node's argv for ksa's script: the flags of its shebang line, the script (what bin/ksa runs for most commands). */
export const KSA_ARGV: readonly string[] = [...KSA_FLAGS, KSA_BIN];

/** The command npm links as `ksa` (`npx ksa`, an installed ksa): a shell script that starts validate from the startup snapshot and the rest as KSA_ARGV. */
export const KSA_COMMAND = path.join(REPO_ROOT, 'bin/ksa');
