import type { Args } from './program-rules.js';

/** Whether a long option (or a flag) is written, alone or with `=value`. */
export const has = (args: Args, ...names: string[]) => args.some((arg) => arg !== undefined && names.some((name) => arg === name || arg.startsWith(`${name}=`)));

/** Short flags in one word (`-rf`, `-fr`, `-Rf`) or long ones. */
export function hasShort(args: Args, letter: string, long?: string): boolean {
  return args.some((arg) => arg !== undefined && ((/^-[A-Za-z]+$/.test(arg) && arg.includes(letter)) || (long !== undefined && arg === long)));
}

/** The words that are not options (counted loosely: an option's value counts too). */
export function positional(args: Args): Args {
  return args.filter((arg) => arg === undefined || !arg.startsWith('-'));
}
