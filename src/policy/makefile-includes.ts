import { makefileLines } from './makefile-lines.js';

/** `include a.mk b.mk`, `-include a.mk`, `sinclude a.mk`: the directive and the names after it. */
const INCLUDE = /^ *(?:-include|sinclude|include)[ \t]+(.*)$/s;

/**
 * The files a Makefile includes, as written: make reads each as part of the Makefile (its `$(shell …)`, its recipes).
 * `computed`: a name made by a reference or a wildcard (`include $(ENV).mk`, `include *.mk`), which may be any makefile.
 */
export function makefileIncludes(content: string): { readonly names: readonly string[]; readonly computed: boolean } {
  const names: string[] = [];
  let computed = false;
  for (const raw of makefileLines(content).settings) {
    const directive = INCLUDE.exec(raw.replace(/\\\n\s*/g, ' '));
    if (directive === null) continue;
    for (const name of directive[1]!.replace(/(?<!\\)#.*$/, '').trim().split(/\s+/).filter(Boolean)) {
      if (/[$*?[]/.test(name)) computed = true;
      else names.push(name);
    }
  }
  return { names, computed };
}

/** Files make reads: another one the plan writes may set a variable of the one make runs (`include vars.mk`). */
export const MAKEFILE = /(?:^|\/)(?:GNUmakefile|makefile|Makefile|[^/]*\.mk)$/;

/**
 * The files the plan writes (`written`, by path) that a Makefile includes, each name looked for from each of make's
 * possible folders (`resolve` spells it as `written` does); a computed name may be any makefile the plan writes.
 */
export function includedMakefiles(content: string, folders: readonly string[], written: readonly string[], resolve: (folder: string, file: string) => string): string[] {
  const { names, computed } = makefileIncludes(content);
  const found = new Set(names.flatMap((name) => folders.map((folder) => resolve(folder, name))).filter((path) => written.includes(path)));
  if (computed) for (const path of written) if (MAKEFILE.test(path)) found.add(path);
  return [...found];
}
