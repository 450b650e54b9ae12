import type { CommandContext } from './command-context.js';

/** A word that only reads variables: `$A`, `"${A}"`, `$a$b`. */
const VARIABLE_READS = /^(?:"?\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})"?)+$/;
/** How many names a word made of several variables may stand for before ksa stops counting. */
const MAX_NAMES = 16;
/** `${KUBECTL:-kubectl}`, `"${K-kubectl}"`: a variable's value, or a literal default when it is unset (or empty, with `:-`). */
const DEFAULTED = /^"?\$\{([A-Za-z_][A-Za-z0-9_]*)(:?)-([A-Za-z0-9_./+@%,=-]+)\}"?$/;

/** A word that is one variable with a literal default: the variable's name and the default. */
export function defaultExpansion(written: string): { readonly name: string; readonly fallback: string; readonly whenEmpty: boolean } | undefined {
  const match = DEFAULTED.exec(written);
  return match === null ? undefined : { name: match[1]!, fallback: match[3]!, whenEmpty: match[2] === ':' };
}

/**
 * The texts a word made only of variables may become, when the line fixes every value of each before it is read;
 * with `fromOutside`, also the literal defaults of variables it sets from the environment (`K=${K:-kubectl}`).
 */
export function knownNames(written: string, context: CommandContext, fromOutside = false): string[] | undefined {
  if (!VARIABLE_READS.test(written) || context.knownValues === undefined) return undefined;
  let names = [''];
  for (const [, name] of written.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const values = context.knownValues(name!, fromOutside);
    if (values === undefined || values.length === 0) return undefined;
    names = names.flatMap((prefix) => values.map((value) => prefix + value));
    if (names.length > MAX_NAMES) return undefined;
  }
  return [...new Set(names)];
}

/**
 * The programs a command name made of variables may be (`A=ls; $A`, `${KUBECTL:-kubectl}`,
 * `K=${K:-kubectl}; $K`), and whether the environment may name another one instead: a step's environment is the
 * user's, so the default is what usually runs, but not for sure.
 */
export function programNames(written: string, context: CommandContext): { readonly names: string[]; readonly fromOutside: boolean } | undefined {
  const defaulted = defaultExpansion(written);
  if (defaulted !== undefined) {
    const set = context.knownValues?.(defaulted.name, true);
    if (set === undefined) {
      // Set by the line in a way not followed (`printf -v TOOL rm; ${TOOL:-ls}`), it may name any program;
      // `${TOOL:-ls}` with the step's `env: { TOOL: rm }` runs rm.
      if (context.mayBeSet?.(defaulted.name) ?? true) return undefined;
      const planned = context.environment?.values.get(defaulted.name);
      if (planned !== undefined) return { names: [planned === '' && defaulted.whenEmpty ? defaulted.fallback : planned], fromOutside: false };
      return { names: [defaulted.fallback], fromOutside: true };
    }
    const names = set.map((value) => (value === '' && defaulted.whenEmpty ? defaulted.fallback : value));
    return { names: [...new Set(names)], fromOutside: context.fromOutside?.(defaulted.name) ?? false };
  }
  const names = knownNames(written, context, true);
  if (names === undefined) return undefined;
  const read = [...written.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  return { names, fromOutside: read.some((name) => context.fromOutside?.(name) ?? false) };
}
