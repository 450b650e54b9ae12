import { pathSpelling } from './path-spelling.js';
import { shellCommands } from './shell-commands.js';
import type { ShellParser } from './shell-syntax.js';

/** Programs that move the shell into the folder they are given. */
const MOVERS = new Set(['cd', 'pushd']);

/**
 * The folders a shell line's commands may run in: the step's `cwd`, and each folder a `cd` or `pushd`
 * of the line moves to from there (`cd sub && sh deploy.sh` runs sub/deploy.sh), in code its shells read from stdin too. Every one counts,
 * whatever the order or the subshell, so a script is never missed for a folder the line left.
 */
export async function lineFolders(command: string, cwd: string, parse: ShellParser): Promise<string[]> {
  const folders = [cwd];
  let current = cwd;
  for (const { name, args } of await shellCommands(command, parse, { stdinCode: true })) {
    if (!MOVERS.has(name)) continue;
    // `cd -P sub`: the folder is the first word that is no option; `cd`, `cd -` and `cd "$(f)"` go where the line does not say.
    const word = args.find((arg) => arg.literal === undefined || !arg.literal.startsWith('-'));
    // `cd "$D"` as `$D`, the folder a clone into "$D" made; `cd "$PWD"` stays.
    const target = word === undefined ? undefined : pathSpelling(word);
    if (target === undefined || target.startsWith('~')) continue;
    current = target.startsWith('/') ? target : `${current}/${target}`;
    folders.push(current);
  }
  return folders;
}
