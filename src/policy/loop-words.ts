import { knownValues, type LineVariables } from './shell-variables.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** A word that is one variable as a whole: `$v`, `"$v"`, `${v}`, `"${v}"`. */
const WHOLE_VARIABLE = /^("?)\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})\1$/;
/** What makes a word a file name pattern, with `extglob` (`+(…)`) and backslashes too. */
const PATTERN = /[*?[(\\]/;
/** Commands rated for one command of a loop body, at most: one per combination of the loop words it reads. */
const MAX_VARIANTS = 64;

/**
 * `for v in get describe; do kubectl $v pods; done`: the commands a command of a loop body runs, one per literal
 * word of the loop (`kubectl get pods`, `kubectl describe pods`), when its arguments read the loop variable as
 * whole words; undefined when it reads none that way. A loop variable counts only when every value the line may
 * give it is known (knownValues: no `r{m,}`, `*`, `$(…)`, `read v`, `for v;`), and the line writes its name
 * nowhere but after `$` or `-` and in its loops' `for v` (not `v=…`, `((v++))`, `declare -n r=v`), so nothing
 * else sets it. The program's name is left as written: it is rated by its values already (`for t in ls; do $t`).
 */
export function loopVariants(words: readonly ShellWord[], variables: LineVariables, at: number, source: string): ShellWord[][] | undefined {
  let variants: ShellWord[][] = [words.slice(0, 1)];
  let found = false;
  for (const word of words.slice(1)) {
    const match = word.literal === undefined ? WHOLE_VARIABLE.exec(word.text) : null;
    const name = match?.[2] ?? match?.[3];
    const values = name !== undefined && inLoop(variables, name, at) && onlyRead(source, name) ? knownValues(variables, name, at) : undefined;
    // Unquoted, a value is a file name pattern too (`for v in 'de\lete'`, `+(…)`), matching names ksa cannot see.
    if (values === undefined || values.length === 0 || (match![1] !== '"' && values.some((value) => PATTERN.test(value)))) {
      variants = variants.map((variant) => [...variant, word]);
      continue;
    }
    found = true;
    // Quoted, the value is one word; unquoted, it splits at blanks.
    const spellings = values.map((value) => (match![1] === '"' ? [literalWord(value)] : value.split(/\s+/).filter(Boolean).map(literalWord)));
    variants = variants.flatMap((variant) => spellings.map((spelling) => [...variant, ...spelling]));
    if (variants.length > MAX_VARIANTS) return undefined;
  }
  return found ? variants : undefined;
}

function inLoop(variables: LineVariables, name: string, at: number): boolean {
  return variables.loops.some((loop) => loop.name === name && loop.from <= at && at < loop.to);
}

/** Whether the line writes the name only where it is read (`$v`, `${v}`, `${#v}`), as a flag (`-v`), or in `for v`. */
function onlyRead(source: string, name: string): boolean {
  for (const mention of source.matchAll(new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g'))) {
    const before = source.slice(0, mention.index);
    if (!/(?:\$|\$\{#?|-|\bfor\s+)$/.test(before)) return false;
  }
  return true;
}
