import { resolvedSegments } from './path-segments.js';

/** The names of standard input as a file, as the file system resolves them. */
const STDIN_FILES: ReadonlySet<string> = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0', '/proc/thread-self/fd/0']);

/**
 * Whether a script path is standard input (`. /dev/fd/0 <<< …` runs what it reads, as `. /dev/stdin` does), however
 * it is spelled: `//dev/stdin`, `/dev/./stdin`, `/dev/fd//0`, `/tmp/../dev/stdin` name the same file. A relative path
 * depends on the folder the step runs in, which the line does not say; it is taken as a script file.
 */
export function isStandardInput(path: string): boolean {
  return path.startsWith('/') && STDIN_FILES.has(`/${resolvedSegments(path.split('/')).join('/')}`);
}
