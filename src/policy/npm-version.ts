import { buildInputs, type BuildRun } from './build-inputs.js';
import { positional } from './option-words.js';
import type { Args } from './program-rules.js';
import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/**
 * `npm version` prints the versions; given one (`npm version patch`, `npm version 1.2.0`, `"$V"`) it rewrites
 * package.json, commits and tags it in git, and runs the preversion, version and postversion scripts.
 */
export function npmVersionRisk(args: Args): StepRisk {
  return positional(args).length > 1 ? writeRisk(`npm version ${positional(args).at(-1) ?? '…'} rewrites package.json and runs its version scripts`) : readRisk('npm version');
}

/**
 * The package.json whose scripts `npm version patch` runs, read as `npm run version` reads it (buildInputs): the
 * version script with its pre and post scripts. Undefined for any other command.
 */
export function versionRun(name: string, args: readonly ShellWord[]): BuildRun | undefined {
  if (name !== 'npm') return undefined;
  const at = args.findIndex((word) => word.literal === undefined || !word.literal.startsWith('-'));
  if (args[at]?.literal !== 'version' || positional(args.map((word) => word.literal)).length < 2) return undefined;
  return buildInputs([literalWord('npm'), literalWord('run'), ...args]);
}
