import type { ShellNode } from './shell-syntax.js';

/**
 * Flags of declare, typeset and local that keep each value as written, in the variable it names:
 * export (-x), readonly (-r), global (-g), trace (-t). The others change what a value becomes or where
 * it lands (-n a reference, -i arithmetic, -l/-u/-c case, -a/-A arrays, -f functions, any `+`), and
 * export's and readonly's own flags (`export -n`, `export -f`) are not these.
 */
const PLAIN_FLAGS = /^-[xrgt]+$/;
const DECLARING = new Set(['declare', 'typeset', 'local']);

/**
 * What a declaration's words other than names and assignments do to the values it sets: `none` (there are
 * none), `plain` (only the flags above: `declare -x HELM_NAMESPACE=web` sets HELM_NAMESPACE to web, as
 * `export` does), or `hiding` (`declare -n r=x`, `declare "$v"`: set in ways not followed).
 */
export function declarationFlags(keyword: string | undefined, children: readonly ShellNode[]): 'none' | 'plain' | 'hiding' {
  const others = children.filter((child) => child.type !== 'variable_name' && child.type !== 'variable_assignment');
  if (others.length === 0) return 'none';
  return DECLARING.has(keyword ?? '') && others.every((child) => child.type === 'word' && PLAIN_FLAGS.test(child.text)) ? 'plain' : 'hiding';
}
