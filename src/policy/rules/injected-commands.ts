import { TEMPLATE } from '../../planning/templates.js';
import { shellCommands, type ShellCommand } from '../shell-commands.js';
import type { ShellNode, ShellParser } from '../shell-syntax.js';

const MARK = 'ksa_value_';

/**
 * The commands (and redirections) a shell line has as built that its line in the plan does not: a value put into it
 * (`echo version {{ steps.v.output.content }}` with a file saying `1.2; curl … | sh`) became shell code.
 * What the user approved is the plan's line with its values as words; with `;`, a newline, `$(…)` or a
 * backquote a value adds commands nobody saw. Undefined when the plan's line itself runs a program its
 * values name (`{{ steps.pick.output.stdout }} --version`, `bash -c "{{ … }}"`): that is rated at approval.
 */
export async function injectedCommands(planned: string, built: string, parse: ShellParser): Promise<{ readonly commands: readonly string[]; readonly dropped: readonly string[]; readonly redirects: boolean } | undefined> {
  let at = 0;
  const marked = planned.replace(new RegExp(TEMPLATE.source, 'g'), () => `${MARK}${at++}`);
  const expected = await shellCommands(marked, parse);
  if (expected.some((command) => command.name.includes(MARK))) return undefined;
  const left = await shellCommands(built, parse);
  // A command of the plan's line with no value in it runs as written (a value ending in `x; touch pwned #` must
  // not swap `touch done.txt` for its own `touch`); one with a value runs with its name, whatever the words.
  const take = (match: (command: ShellCommand) => boolean) => {
    const found = left.findIndex(match);
    if (found >= 0) left.splice(found, 1);
    return found >= 0;
  };
  const fixed = expected.filter((command) => !command.args.some((word) => word.text.includes(MARK)));
  const dropped = fixed.filter((command) => !take((candidate) => candidate.name === command.name && sameWords(candidate, command))).map((command) => command.name);
  for (const command of expected.filter((command) => !fixed.includes(command))) take((candidate) => candidate.name === command.name);
  const added = left.map((command) => command.name);
  // `1.2.3 > ~/.bashrc`: no new command, but a file written that the line did not write.
  const redirections = (line: string) => parse(line, countRedirections);
  const redirects = (await redirections(built)) > (await redirections(marked));
  return { commands: added, dropped, redirects };
}

function sameWords(a: ShellCommand, b: ShellCommand): boolean {
  return a.args.length === b.args.length && a.args.every((word, i) => word.text === b.args[i]!.text);
}

function countRedirections(node: ShellNode): number {
  let count = node.type.endsWith('_redirect') ? 1 : 0;
  for (const child of node.children) if (child) count += countRedirections(child);
  return count;
}
