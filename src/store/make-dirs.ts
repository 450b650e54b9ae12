import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's `{ recursive: true }` never returns where a
 * folder cannot be made although its parent exists (`/proc/x`: mkdir answers ENOENT,
 * Node retries the parent, which exists, and so on forever); here that ENOENT is the
 * answer. An existing path that is not a folder fails with EEXIST, as mkdir does.
 */
export async function makeDirs(dir: string, mode: number): Promise<void> {
  for (const level of missingLevels(dir)) {
    try {
      await mkdir(level, { mode });
    } catch (error) {
      // Another process made it first.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(level)).isDirectory()) continue;
      throw error;
    }
  }
}

/** makeDirs for code that cannot wait (a step's first output line opens its log). */
export function makeDirsSync(dir: string, mode: number): void {
  for (const level of missingLevels(dir)) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue;
      throw error;
    }
  }
}

/** The folders to make, outermost first; a few stat calls, cheap enough to make synchronously for both. */
function missingLevels(dir: string): string[] {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const found = statSync(current, { throwIfNoEntry: false });
    if (found) {
      if (missing.length === 0 && !found.isDirectory()) throw notAFolder(current);
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return missing.reverse();
}

function notAFolder(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, mkdir '${file}'`), { code: 'EEXIST', path: file, syscall: 'mkdir' });
}
