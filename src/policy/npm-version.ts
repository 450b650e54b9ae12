import { workspaceCommand, type BuildRun } from './build-inputs.js';
import { packageReadings } from './package-command-line.js';
import { isWorkspaceOption } from './npm-workspaces.js';
import { positional } from './option-words.js';
import type { Args } from './program-rules.js';
import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/** npm's names of its version command (`verison` is npm's own alias for it). */
export const VERSION_COMMANDS = new Set(['version', 'verison']);

/**
 * `npm version` prints the versions; given one (`npm version patch`, `npm version 1.2.0`, `"$V"`) it rewrites
 * package.json, commits and tags it in git, and runs the preversion, version and postversion scripts.
 */
export function npmVersionRisk(args: Args): StepRisk {
  return positional(args).length > 1 ? writeRisk(`npm version ${positional(args).at(-1) ?? '…'} rewrites package.json and runs its version scripts`) : readRisk('npm version');
}

/**
 * The package.json whose scripts `npm version patch` (`yarn version`) runs (`npm --prefix app version patch`: app's), as `npm run
 * version` reads it: the version script with its pre and post scripts. `moreArgs`: xargs adds words of its input
 * (`echo patch | xargs npm version`). Undefined for any other command.
 */
export function versionRun(name: string, args: readonly ShellWord[], moreArgs = false): BuildRun | undefined {
  if (name !== 'npm' && name !== 'yarn') return undefined;
  const words = [...args.map((word) => word.literal), ...(moreArgs ? [undefined] : [])];
  // In each way of reading the words, as npm takes options' values (`--prefix app`, `-C app`, `--loglevel warn`).
  // yarn's version, even alone, asks for the new version and writes it: it runs the version scripts as npm's does.
  const versions = ({ operands }: { readonly operands: readonly (string | undefined)[] }) =>
    name === 'yarn' ? operands[0] === 'version' : operands[0] !== undefined && VERSION_COMMANDS.has(operands[0]) && operands.length > 1;
  // `yarn workspace web version patch`: web's version scripts, in a package.json found by its name, so any workspace's.
  const inWorkspace = ({ operands }: { readonly operands: readonly (string | undefined)[] }) => {
    const inner = workspaceCommand(name, operands);
    return inner !== undefined && inner.length > 0 && versions({ operands: inner });
  };
  const readings = packageReadings(words);
  const folders = readings.filter((reading) => versions(reading) || inWorkspace(reading)).map(({ folder }) => folder);
  if (folders.length === 0) return undefined;
  const workspaces = readings.some(inWorkspace) || words.some((word) => word === undefined || isWorkspaceOption(word));
  return { tool: name, files: [...new Set(folders)].map((folder) => `${folder}package.json`), scripts: ['version'], ...(workspaces ? { workspaces } : {}) };
}
