import { makeLongOption } from './make-command-line.js';
import { fileFunctionWrites } from './makefile-shell.js';
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

/** What the line running make adds to the makefiles it reads: `-I` folders, `MAKEFILES` names, or ones known at run time. */
export type MakeReading = { readonly includeDirs: readonly string[]; readonly makefiles: readonly string[]; readonly computed: boolean };

const MAKES = /^(?:.*\/)?(?:g|b)?make$/;
/** `MAKEFILES=a.mk`, `MAKEFILES:='a.mk b.mk'`, as a prefix, an argument of make, `export` or `env`. */
const MAKEFILES_SETTING = /(?<![A-Za-z0-9_])MAKEFILES\s*[:+?]?=\s*("[^"]*"|'[^']*'|\S*)/g;
const RUN_TIME = /[$`*?[]/;

/**
 * The folders `make -I inc`, `-Iinc`, `--include-dir=inc` (any prefix make takes) adds to where it looks for an included
 * makefile, and the makefiles `MAKEFILES` names, which make reads before the others. `computed`: a folder or a name is
 * known only at run time (`-I "$D"`, `MAKEFILES` from the step's `env`), so it may be any makefile the plan writes.
 */
export function makeLineReading(line: string, env: readonly string[]): MakeReading {
  const includeDirs: string[] = [];
  const makefiles: string[] = [];
  let computed = env.includes('MAKEFILES');
  const text = line.replace(/\\\n/g, '');
  for (const [, value] of text.matchAll(MAKEFILES_SETTING)) {
    const names = value!.replace(/^(["'])(.*)\1$/s, '$2').split(/\s+/).filter(Boolean);
    if (names.some((name) => RUN_TIME.test(name))) computed = true;
    else makefiles.push(...names);
  }
  // Named without a value the line shows (`export MAKEFILES`, `read MAKEFILES`): set at run time.
  if (/\bMAKEFILES\b/.test(text.replace(MAKEFILES_SETTING, ''))) computed = true;
  const words = text.replace(/([;&|()<>{}\n])/g, ' ; ').split(/\s+/).filter(Boolean).map((word) => word.replace(/^(["'])(.*)\1$/s, '$2'));
  for (let start = 0; start < words.length; start++) {
    if (!MAKES.test(words[start]!)) continue;
    for (let i = start + 1; i < words.length && words[i] !== ';'; i++) {
      const word = words[i]!;
      const long = word.startsWith('--') ? makeLongOption(word) : undefined;
      const dir = long === '--include-dir' ? (word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[++i]) : /^-[A-Za-z]*I/.test(word) && !word.startsWith('--') ? word.slice(word.indexOf('I') + 1) || words[++i] : undefined;
      if (dir === undefined) continue;
      if (RUN_TIME.test(dir) || dir === ';') computed = true;
      else includeDirs.push(dir);
    }
  }
  return { includeDirs, makefiles, computed };
}

/**
 * The files the plan writes (`written`, by path) that a Makefile includes, each name looked for from each of make's
 * possible folders (`resolve` spells it as `written` does), and from the `-I` folders of the line, with the makefiles
 * `MAKEFILES` names; a computed name or folder may be any makefile the plan writes.
 */
export function includedMakefiles(content: string, folders: readonly string[], written: readonly string[], resolve: (folder: string, file: string) => string, reading?: MakeReading): string[] {
  const { names, computed } = makefileIncludes(content);
  const searched = [...folders, ...(reading?.includeDirs ?? []).flatMap((dir) => (dir.startsWith('/') ? [dir] : folders.map((folder) => resolve(folder, dir))))];
  const all = [...names, ...(reading?.makefiles ?? [])];
  const found = new Set(all.flatMap((name) => searched.map((folder) => resolve(folder, name))).filter((path) => written.includes(path)));
  if (computed || reading?.computed) for (const path of written) if (MAKEFILE.test(path) || (reading?.computed && all.some((name) => path === name || path.endsWith(`/${name}`)))) found.add(path);
  return [...found];
}

/**
 * The makefiles a Makefile writes as make reads it (`$(file >gen.mk,clean: ; rm -rf x)`), by path from its folder, with
 * the text: an `include gen.mk` after it reads that text as part of the Makefile.
 */
export function writtenByMake(content: string, folder: string, resolve: (folder: string, file: string) => string): Map<string, string> {
  const files = new Map<string, string>();
  for (const { mode, name, text } of fileFunctionWrites(content)) {
    if (name === '' || RUN_TIME.test(name)) continue;
    const path = resolve(folder, name);
    const line = text.endsWith('\n') ? text : `${text}\n`;
    files.set(path, mode === '>>' ? `${files.get(path) ?? ''}${line}` : line);
  }
  return files;
}
