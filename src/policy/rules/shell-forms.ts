import { commandValues, expandKnown, startingValues } from '../known-expansions.js';
import { shellCommands, type ShellCommand } from '../shell-commands.js';
import type { ShellParser, ShellWord } from '../shell-syntax.js';
import type { CallForm } from './decide.js';
import { argvSpellings } from './argv-spellings.js';
import { argvLine } from './kube-spelling.js';
import { operandForms } from './operand-forms.js';
import { optionFreeForms } from './option-free-forms.js';

/** Programs whose calls inside a shell line also meet that program's own rules (`kubectl: "delete *"`). */
const ARGV_PROGRAMS = new Set(['kubectl', 'helm', 'docker', 'podman']);

/**
 * Each simple command of a shell line as deny and ask rules see it: its words after quoting
 * is resolved, joined by single spaces, the program by its name (`/bin/rm` is `rm`); the
 * command behind `sudo`, `env`, `nohup`, `timeout`… (the same wrappers the risk levels look
 * through) and the commands of a `bash -c`/`sh -c` string, each on its own. A kubectl, helm,
 * docker or podman command is also a call of that tool (`shell: "kubectl delete pod web"`
 * meets `kubectl: "delete *"`). A command whose words read variables is also met with the values they surely
 * hold (heldValue): the line's, or those of the step's `env` (`step`) the line leaves alone.
 */
export async function shellForms(command: string, parse: ShellParser, step?: ReadonlyMap<string, string | undefined>): Promise<CallForm[]> {
  const forms: CallForm[] = [];
  // A command read with each value its variables may hold is found once per reading, its words as written each time:
  // each command, and each form, is met once.
  const commands = new Set<string>();
  const lines = new Set<string>();
  const add = (name: string, args: readonly ShellWord[], moreArgs: boolean) => {
    const key = [name, String(moreArgs), ...args.map((word) => word.literal ?? word.text)].join('\0');
    if (commands.has(key)) return;
    commands.add(key);
    for (const form of commandForms(name, args, moreArgs)) {
      const line = `${form.tool}\0${form.commandLine}`;
      if (!lines.has(line)) forms.push(form);
      lines.add(line);
    }
  };
  // Code a shell reads from a pipe or here-document (`echo 'kubectl delete ns prod' | bash`) is met as `bash -c` code is.
  // The step's values reach code the line hands on (`eval …`, `bash -c '…'`) and the values set from them.
  for (const found of await shellCommands(command, parse, { stdinCode: true, ...(step === undefined ? {} : { started: startingValues(step) }) })) {
    add(found.name, found.args, found.moreArgs === true);
    const filled = filledArguments(found, step);
    if (filled !== undefined) add(found.name, filled, found.moreArgs === true);
  }
  return forms;
}

/** The command's arguments with the variables they read filled in, when that changes any; else undefined. */
function filledArguments(found: ShellCommand, step: ReadonlyMap<string, string | undefined> | undefined): readonly ShellWord[] | undefined {
  if (found.args.every((word) => word.literal !== undefined)) return undefined;
  const valueOf = commandValues(found, step);
  const filled = found.args.flatMap((word) => expandKnown(word, valueOf, true) ?? [word]);
  return filled.every((word, i) => word === found.args[i]) && filled.length === found.args.length ? undefined : filled;
}

function commandForms(name: string, args: readonly ShellWord[], moreArgs: boolean): CallForm[] {
  const forms: CallForm[] = [];
  // `… | xargs rm -rf`: what xargs adds is not known; `rm -rf *` must still meet it.
  const texts = [...args.map((word) => word.literal ?? word.text), ...(moreArgs ? [UNKNOWN_ARGS] : [])];
  forms.push({ tool: 'shell', commandLine: [name, ...texts].join(' ') });
  for (const line of operandForms(name, args.map((word) => word.literal ?? word.text), moreArgs)) forms.push({ tool: 'shell', commandLine: line });
  for (const line of optionFreeForms(name, texts)) forms.push({ tool: 'shell', commandLine: line });
  if (PATH_PROGRAMS.has(name)) for (const line of perOperand(name, texts)) forms.push({ tool: 'shell', commandLine: line });
  if (!ARGV_PROGRAMS.has(name)) return forms;
  forms.push({ tool: name, commandLine: argvLine(texts) });
  for (const spelled of argvSpellings(name, texts)) forms.push({ tool: name, commandLine: argvLine(spelled) });
  return forms;
}

/** The arguments xargs or parallel add, in a command line a rule is matched against. */
const UNKNOWN_ARGS = '…';

/** Programs whose every operand is a path it removes: a rule about one path holds whatever else is named. */
const PATH_PROGRAMS = new Set(['rm', 'rmdir', 'shred', 'unlink']);
/** Flags that change nothing a rule is about (rm's root guard, its prompts). */
const NEUTRAL = new Set(['--no-preserve-root', '--preserve-root', '--one-file-system', '--interactive=never', '-I']);

/**
 * `rm -rf -- a /var` as `rm -rf a` and `rm -rf /var`: the flags with each operand on its
 * own, `{x,y}` written out, so `shell: "rm -rf /*"` meets `/var` wherever it stands.
 */
function perOperand(name: string, words: readonly string[]): string[] {
  const flags: string[] = [];
  const operands: string[] = [];
  let ended = false;
  for (const word of words) {
    if (ended) operands.push(...braces(word));
    else if (word === '--') ended = true;
    else if (word.startsWith('-') && word !== '-') {
      if (!NEUTRAL.has(word)) flags.push(word);
    } else operands.push(...braces(word));
  }
  const whole = [name, ...words].join(' ');
  return operands.map((operand) => [name, ...flags, operand].join(' ')).filter((line) => line !== whole);
}

/** `{/var,/etc}` and `/srv/{a,b}` as bash expands them (one level, no ranges). */
function braces(word: string): string[] {
  const match = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/.exec(word);
  if (!match) return [word];
  return match[2]!.split(',').map((part) => `${match[1]}${part}${match[3]}`);
}
