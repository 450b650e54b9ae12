import { samePath, unpackedFolders } from './archives.js';
import type { Stdin } from './command-context.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';

/** A folder of the workspace a step unpacks a downloaded archive into, by its path from the workspace root ('' for the root). */
export interface UnpackedFolder {
  readonly folder: string;
  readonly step: string;
}

/**
 * The folders a shell line unpacks a downloaded archive into (`tar xzf t.tgz` of a t.tgz this line or another step
 * downloads, `curl … | tar xz`), each from every folder the line may run in; `resolve` gives a path from the workspace root.
 * `unzipOptionsGiven`: the line or its step sets UNZIP or UNZIPOPT, so an unzip that lists may extract.
 */
export function unpackedByLine(commands: readonly (readonly ShellWord[])[], folders: readonly string[], downloaded: readonly string[], resolve: (folder: string, file: string) => string, unzipOptionsGiven = false): string[] {
  const programs = commands.map((words) => (words[0]?.literal === undefined ? '(computed)' : programName(words[0].literal)));
  // What pipes into tar is not followed stage by stage here: any download on the line may be its input.
  const stdin: Stdin = { kind: 'pipe', programs };
  const found: string[] = [];
  for (const folder of folders) {
    const here = resolve(folder, '.');
    const inside = (path: string) => (path.startsWith('/') || here === '' ? [path] : path.startsWith(`${here}/`) ? [path.slice(here.length + 1)] : []);
    const names = new Set(downloaded.flatMap(inside).map(samePath));
    for (const words of commands) for (const entry of unpackedFolders(words, stdin, names, unzipOptionsGiven)) found.push(resolve(folder, entry));
  }
  return found;
}

/** The unpacking step whose folder holds `path` (a file run by a relative path, or under an absolute folder). */
export function unpackedHolding(path: string, unpacked: readonly UnpackedFolder[]): UnpackedFolder | undefined {
  return unpacked.find(({ folder }) => (folder === '' ? !path.startsWith('/') : path.startsWith(`${folder}/`)));
}
