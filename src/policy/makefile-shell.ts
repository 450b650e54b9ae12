/**
 * The shell code make runs while it reads a Makefile, before and whatever target it makes (`X := $(shell …)`,
 * `X != …`), and whether the shell that runs it and the recipes is the one ksa rates their text as.
 */

/** `$(shell …)`, `${shell …}`: make's function that runs its argument through the shell. */
const SHELL_CALL = /\$+[({]\s*shell\s/g;
/** `X != cmd`: an assignment whose value is the output of its right side, run through the shell. */
const OUTPUT_ASSIGNMENT = /!=/g;
/** An assignment to the variables that choose the shell, in any form (`override`, for a target, `+=`, `!=`, `define`). */
const SHELL_SETTING = /(?<![A-Za-z0-9_.$({-])(SHELL|\.SHELLFLAGS)\s*(?::{1,3}|[+?!])?=\s*(.*)|\b(?:un)?define\s+(?:SHELL|\.SHELLFLAGS)(?![A-Za-z0-9_.-])/g;
/** A plain POSIX shell, which reads a recipe as ksa does. */
const PLAIN_SHELL = /^(?:\/(?:usr\/)?(?:local\/)?bin\/)?(?:sh|bash|dash|ash|ksh|zsh)$/;
/** `-c`, `-ec`, `-e -c`, `-o pipefail -c`: flags after which the shell runs the recipe as its code. */
const PLAIN_FLAGS = /^(?:(?:-[eux]+|-o\s+pipefail)\s+)*-[eux]*c[eux]*$/;
/** make code run at reading time that ksa does not follow: Guile, a loaded object. */
const FOREIGN_CODE = /[({]\s*guile\s|^\s*-?load\s/m;

/**
 * The text of each `$(shell …)` anywhere in the Makefile (a variable, a prerequisite, `$(info …)`, `$(eval …)`, a recipe)
 * and the right side of each `!=`: make runs them through the shell as it reads or expands them. Nested calls are
 * listed on their own too; an unclosed call runs to the end of the text, which rates no lower. With them, the files
 * `$(file >…)` writes, as shell lines that write them.
 */
export function makeShellCode(content: string, settings: readonly string[]): string[] {
  const code: string[] = [];
  for (const call of content.matchAll(SHELL_CALL)) {
    const start = call.index + call[0].length;
    code.push(content.slice(start, closingAt(content, call.index + call[0].search(/[({]/), start)));
  }
  for (const raw of settings) {
    const line = raw.replace(/\\\n\s*/g, ' ');
    for (const assignment of line.matchAll(OUTPUT_ASSIGNMENT)) code.push(line.slice(assignment.index + 2).trim());
  }
  return [...code, ...fileWrites(content)];
}

/** `$(file >out,text)`, `${file >>out}`: make's function that writes a file, wherever make expands it. */
const FILE_CALL = /\$+[({]\s*file\s/g;

/**
 * Each file `$(file >…)` or `$(file >>…)` writes, as the shell line that writes it as the function does (`: > 'out'`,
 * `: >> 'out'`), so the write is rated as one, and a recipe that runs the file is one the Makefile made as it ran.
 */
function fileWrites(content: string): string[] {
  return fileFunctionWrites(content).map(({ mode, name }) => `: ${mode} '${name.replace(/'/g, "'\\''")}'`);
}

/** Each `$(file >name,text)` and `$(file >>name,text)` of a Makefile: the file it writes and the text, as written. */
export function fileFunctionWrites(content: string): { readonly mode: '>' | '>>'; readonly name: string; readonly text: string }[] {
  const writes: { mode: '>' | '>>'; name: string; text: string }[] = [];
  for (const call of content.matchAll(FILE_CALL)) {
    const start = call.index + call[0].length;
    const argument = content.slice(start, closingAt(content, call.index + call[0].search(/[({]/), start));
    const write = /^\s*(>>?)\s*/.exec(argument);
    if (write === null) continue;
    const comma = commaAt(argument, write[0].length);
    writes.push({ mode: write[1] as '>' | '>>', name: argument.slice(write[0].length, comma).trim(), text: argument.slice(comma + 1) });
  }
  return writes;
}

/** The first `,` outside `$(…)`: where a function's first argument ends. */
function commaAt(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '(' || text[i] === '{') depth++;
    else if (text[i] === ')' || text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) return i;
  }
  return text.length;
}

/** Where the call whose opening bracket is at `open` closes: make counts only brackets of the kind it opened with. */
function closingAt(text: string, open: number, from: number): number {
  const [opening, closing] = text[open] === '{' ? ['{', '}'] : ['(', ')'];
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === opening) depth++;
    else if (text[i] === closing && --depth === 0) return i;
  }
  return text.length;
}

/**
 * Whether recipes and `$(shell …)` run through a plain POSIX shell with `-c`: not when the Makefile sets SHELL or
 * .SHELLFLAGS otherwise (`SHELL := rm` with `.SHELLFLAGS := -rf` runs each recipe line as rm's operands), defines them,
 * or the line sets them (`make SHELL=rm`); `anyOutside`: whether the line may set any variable, which the reading before
 * this one did not count against SHELL.
 */
export function makeShellKnown(settings: readonly string[], setOutside: (name: string) => boolean, anyOutside: boolean): boolean {
  if (!anyOutside && (setOutside('SHELL') || setOutside('.SHELLFLAGS'))) return false;
  for (const raw of settings) {
    const line = raw.replace(/\\\n\s*/g, ' ');
    for (const [whole, name, written] of line.matchAll(SHELL_SETTING)) {
      if (name === undefined || written === undefined || /[+!]=/.test(whole.slice(name.length, whole.length - written.length))) return false;
      const value = written.replace(/#.*$/, '').trim();
      if (!(name === 'SHELL' ? PLAIN_SHELL : PLAIN_FLAGS).test(value)) return false;
    }
  }
  return true;
}

/**
 * Whether the Makefile makes its own code as it reads: `$(eval …)` of text with references (`$(eval $(call R,x))`,
 * `$(eval X := $$(s$(E)hell rm))` builds a shell call no text shows), a second expansion of a computed reference,
 * Guile or a loaded object. Its shell code cannot be listed from the text.
 */
export function makesOwnCode(content: string): boolean {
  if (FOREIGN_CODE.test(content)) return true;
  for (const call of content.matchAll(/\$[({]\s*eval\s/g)) {
    const start = call.index + call[0].length;
    if (content.slice(start, closingAt(content, call.index + 1, start)).includes('$')) return true;
  }
  return /\.SECONDEXPANSION\b/.test(content) && /\$\$(?:\$|[({][^\s(){}:,=]*\$)/.test(content);
}
