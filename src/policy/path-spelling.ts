import type { ShellWord } from './shell-syntax.js';

/** `$PWD`, `${PWD}`, `$(pwd)`, `` `pwd` ``, `~+`: the current folder, so `"$PWD/i.sh"` is `i.sh`. */
const CURRENT = /^(?:\$PWD|\$\{PWD\}|\$\(\s*pwd\s*\)|`\s*pwd\s*`|~\+)(?=\/|$)/;
/** `$D`, `${D}`: a folder a variable names, spelled one way whatever the quotes. */
const VARIABLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(?=\/|$)/;
/** What the rest of the word must not hold to be read as written: expansions, globs, quotes, escapes. */
const COMPUTED = /[$`*?[\]'\\{}~]/;

/**
 * A path as a line spells it, for comparing one command's file with another's: the literal word; one
 * through the current folder (`"$PWD/i.sh"`, `$(pwd)/i.sh`, `~+/i.sh`) as the file itself (`i.sh`); one
 * under a variable's folder (`"$D/install.sh"`, `${D}/install.sh`) as `$D/install.sh`, so a clone into
 * `"$D"` holds it. Undefined for any other computed word.
 */
export function pathSpelling(word: ShellWord): string | undefined {
  const written = word.literal ?? word.text.replace(/"/g, '');
  const current = CURRENT.exec(written);
  if (current !== null) {
    const rest = plain(written.slice(current[0].length).replace(/^\/+/, ''));
    return rest === '' ? '.' : rest;
  }
  if (word.literal !== undefined) return word.literal;
  const variable = VARIABLE.exec(written);
  if (variable === null) return undefined;
  const rest = plain(written.slice(variable[0].length));
  return rest === undefined ? undefined : `$${variable[1] ?? variable[2]}${rest}`;
}

/** The rest of a path when nothing in it is computed. */
function plain(rest: string): string | undefined {
  if (COMPUTED.test(rest)) return undefined;
  return rest;
}
