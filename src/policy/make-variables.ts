/**
 * The values of make's variables a recipe reads (`$(RM) build`), so the program it runs is the one make runs
 * (`rm -f build`), not a command known only at run time.
 */
import { separatorAt } from './makefile-lines.js';

/**
 * GNU make's built-in values (`make -p`) of the variables recipes run as programs. The environment, the command
 * line and the Makefile may set them otherwise: `setOutside` and the Makefile's own lines say when.
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

/** `NAME = value`, `NAME := value`, `NAME ::= value`, `override NAME = value`, `export NAME = value`, from the line's start. */
const PLAIN = /^(?:(?:override|export)\s+)*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:=|::=|:::=)\s*(.*)$/;
/** make's assignment operators, after a name. */
const OPERATOR = '\\s*(?::{1,3}|[+?!])?=';
/**
 * Text after which any variable may have another value: another file (`include`), a choice made at run time
 * (`ifeq`), make code run as it reads (`$(eval …)`, `$(guile …)`, `load`), options set from the Makefile (`MAKEFLAGS`).
 */
export const ANY_SETTING = /^\s*(?:-?include|sinclude|ifn?eq|ifn?def|-?load)\b|[({]\s*(?:eval|guile)\b|\b(?:GNU)?MAKEFLAGS\b|\bMFLAGS\b|\bMAKEFILES\b|\bMAKEOVERRIDES\b/m;
/** How deep a value's own references are followed (`CPP = $(CC) -E`). */
const MAX_DEPTH = 8;

/**
 * Each variable's one value, when it is known: assigned once, plainly, by the Makefile (`X = rm -rf`), or make's
 * built-in one when nothing could set it: no text of the Makefile assigns it in any way (indented, for a target,
 * `private`, `define`, even in a recipe), none assigns a name computed at run time (`C$(E)C = …`), and nothing outside
 * (`setOutside`: the command line, the environment) may set it. Undefined for a variable set another way, or more than once.
 */
export function makeVariables(content: string, settings: readonly string[], setOutside: (name: string) => boolean): ReadonlyMap<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  // Another file, a conditional, $(eval …) or a name made at run time may set any variable: none is known, as before this reading.
  if (ANY_SETTING.test(content) || settings.some(assignsComputedName)) return values;
  const assignments = (name: string) => [...content.matchAll(new RegExp(`(?<![A-Za-z0-9_])${escaped(name)}${OPERATOR}|\\b(?:un)?define\\s+${escaped(name)}(?![A-Za-z0-9_])`, 'g'))].length;
  for (const [name, value] of Object.entries(BUILT_IN)) values.set(name, setOutside(name) || assignments(name) > 0 ? undefined : value);
  for (const line of settings) {
    const plain = PLAIN.exec(line);
    if (plain === null) continue;
    const [, name, value] = plain as unknown as [string, string, string];
    // Assigned anywhere else too (twice, for a target, in a recipe's `make X=…`), or by the command line, which wins;
    // `X = a \` continues on the next line (PLAIN stops at the break): not read.
    const written = value.replace(/\s+#.*$/, '').trim();
    values.set(name, assignments(name) !== 1 || setOutside(name) ? undefined : written);
  }
  return values;
}

/** `C$(E)C = x`, `$(N) := x`, `app: $(V) = x`, `define $(N)`: a line that may assign any variable. */
export function assignsComputedName(written: string): boolean {
  const line = written.replace(/\\\n\s*/g, ' ');
  if (/^\s*(?:(?:override|export|private)\s+)*(?:un)?define\b[^\n]*\$/.test(line)) return true;
  const separator = separatorAt(line);
  const rest = separator === undefined ? line : line.slice(separator + 1);
  // The same-line recipe of a rule (`app: ; $(X)=1 cmd`) is the shell's, not make's.
  const assigned = /^(.*?)(?::{1,3}|[+?!])?=/.exec(separator === undefined ? rest : rest.split(';')[0]!);
  return assigned !== null && assigned[1]!.includes('$');
}

function escaped(name: string): string {
  return name.replace(/[.\\+*?^$()[\]{}|-]/g, '\\$&');
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
