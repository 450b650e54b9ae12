import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const KSA_BIN = path.join(root, 'bin/ksa.js');

/** The flags of bin/ksa.js's `#!/usr/bin/env -S node …` line. */
export const KSA_FLAGS: readonly string[] = readFileSync(KSA_BIN, 'utf8').split('\n', 1)[0]!.split(/\s+/).slice(3);

/** How `npx ksa` starts ksa: node, the flags of its shebang line, the script. */
export const KSA_ARGV: readonly string[] = [...KSA_FLAGS, KSA_BIN];
