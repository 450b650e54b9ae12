/**
 * The values of make's variables a recipe reads (`$(RM) build`), so the program it runs is the one make runs
 * (`rm -f build`), not a command known only at run time.
 */

/**
 * GNU make's built-in values (`make -p`) of the variables recipes run as programs. The environment, the command
 * line and the Makefile may set them otherwise: `setOutside` and the Makefile's own assignments say when.
 */
const BUILT_IN: Readonly<Record<string, string>> = {
  RM: 'rm -f',
  CC: 'cc',
  CXX: 'g++',
  CPP: '$(CC) -E',
  AR: 'ar',
  AS: 'as',
  LD: 'ld',
  LEX: 'lex',
  YACC: 'yacc',
  FC: 'f77',
  MAKE: 'make',
};

/** `NAME = value`, `NAME := value`, `NAME ::= value`, `override NAME = value`, `export NAME = value`. */
const PLAIN = /^(?:(?:override|export)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:=|::=|:::=)\s*(.*)$/;
/** Any other way a line sets a variable: `?=`, `+=`, `!=` (a shell command), `define`, `unexport`, a target's own value. */
const OTHER_SETTING = /^(?:(?:override|export|unexport)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:\?=|\+=|!=)|^\s*define\s+([A-Za-z_][A-Za-z0-9_.-]*)|^[^:=#]*[^:=#\s][^:=#]*:\s*(?:(?:override|export)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:[:+?!]*=)/;
/** Lines after which another file, or a choice made at run time, may set any variable. */
const ANY_SETTING = /^\s*(?:-?include|sinclude|ifn?eq|ifn?def|\$\(eval)\b/m;
/** How deep a value's own references are followed (`CPP = $(CC) -E`). */
const MAX_DEPTH = 8;

/**
 * Each variable's one value, when it is known: assigned once, plainly, by the Makefile (`X = rm -rf`), or make's
 * built-in one when neither the Makefile nor anything outside it (`setOutside`: the command line, the environment)
 * sets it. Undefined for a variable set another way, or more than once.
 */
export function makeVariables(content: string, setOutside: (name: string) => boolean): ReadonlyMap<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  // Another file, a conditional or $(eval …) may set any variable: none is known, as before this reading.
  if (ANY_SETTING.test(content)) return values;
  for (const [name, value] of Object.entries(BUILT_IN)) values.set(name, setOutside(name) ? undefined : value);
  const assigned = new Set<string>();
  for (const line of content.split('\n')) {
    if (line.startsWith('\t') || line.trimStart().startsWith('#')) continue;
    const other = OTHER_SETTING.exec(line);
    if (other !== null) {
      values.set((other[1] ?? other[2] ?? other[3])!, undefined);
      continue;
    }
    const plain = PLAIN.exec(line);
    if (plain === null) continue;
    const [, name, value] = plain as unknown as [string, string, string];
    // Set twice, or by the command line (`make X=…`), which wins over the Makefile's plain assignment.
    const written = value.replace(/\s+#.*$/, '').trim();
    // `X = a \` continues on the next line: not read.
    values.set(name, assigned.has(name) || setOutside(name) || written.endsWith('\\') ? undefined : written);
    assigned.add(name);
  }
  return values;
}

/**
 * A recipe line as the shell gets it: `$$` is `$`, and `$(NAME)` or `${NAME}` of a known variable its value;
 * an unknown one stays `$(NAME)`, which the shell reads as a command run to make the text.
 */
export function expandRecipe(text: string, values: ReadonlyMap<string, string | undefined>, depth = 0): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g, (whole, paren?: string, brace?: string) => {
    if (whole === '$$') return '$';
    const value = values.get((paren ?? brace)!);
    return value === undefined || depth >= MAX_DEPTH ? whole : expandRecipe(value, values, depth + 1);
  });
}

/** A line that may set variables for the make it runs other than as `NAME=…`, or lets the environment win (`make -e`). */
const SETS_ANY = /(?:^|\s)-[A-Za-z]*e[A-Za-z]*(?=\s|$)|--environment-overrides|MAKEFLAGS|MFLAGS|MAKEFILES|\b(?:eval|source|declare|typeset|readonly|read|set|export\s+\$)\b|(?:^|[;&|(]\s*)\.\s/;

/**
 * Whether the shell line that runs make, or the step's `env`, may set a variable make reads: `make RM=x`,
 * `RM=x make`, `export RM=x; make`, `env RM=x make`, `make -e` (any variable of the environment).
 */
export function setForMake(line: string, env: readonly string[]): (name: string) => boolean {
  const any = SETS_ANY.test(line) || env.some((name) => /^(GNU)?(MAKEFLAGS|MFLAGS|MAKEFILES)$/.test(name));
  return (name) => any || env.includes(name) || new RegExp(`(?:^|[^A-Za-z0-9_.$-])${name.replace(/[.-]/g, '\\$&')}\\+?=`).test(line);
}
