import { DELETING_CODE } from './deleting-code.js';
import { splitLongOption } from './long-option.js';
import { gitRunCommands } from './git-run-commands.js';
import { has, hasShort, positional } from './option-words.js';
import type { Args, Inner } from './program-rules.js';
import { destroyRisk, maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord, type ShellWord } from './shell-syntax.js';
import { pushMayForce } from './git-push-words.js';

const GIT_READ = /^(status|log|diff|show|rev-parse|ls-files|ls-remote|ls-tree|describe|blame|grep|shortlog|cat-file|rev-list|whatchanged|reflog|help|version|--version|var|check-ignore|merge-base|name-rev|for-each-ref|show-ref|count-objects|fsck|verify-commit|verify-tag)$/;

/** `git -c` keys that only change how git prints or names things; others can make it run a command (core.fsmonitor, core.sshCommand, diff.external, alias.*). */
const GIT_HARMLESS_CONFIG = /^(color\.|advice\.|i18n\.|column\.|user\.(name|email)=|log\.|core\.(quotepath|abbrev)=|init\.defaultbranch=|safe\.directory=)/i;

/** Where git's subcommand is: after its global options (-C dir, -c key=value, --git-dir=…). */
export function gitVerbAt(args: Args): number {
  let i = 0;
  while (i < args.length && args[i]?.startsWith('-')) i += args[i] === '-C' || args[i] === '-c' ? 2 : 1;
  return i;
}

/** git, by its subcommand and the options that make it write, delete or run a command. */
export async function gitRisk(args: Args, words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  const verbAt = gitVerbAt(args);
  const foreach = foreachLine(args, words, verbAt);
  if (foreach !== undefined) return maxRisk(await inner([literalWord('sh'), literalWord('-c'), foreach], 'in git submodule foreach'), gitOptionsRisk(args, verbAt) ?? readRisk('git submodule foreach'));
  // `git -c alias.x='!rm -rf …' x`: an alias that starts with ! is a shell command.
  const alias = args.slice(0, verbAt).find((option, i) => args[i - 1] === '-c' && option !== undefined && /=\s*!/.test(option) && DELETING_CODE.test(option));
  if (alias !== undefined) return destroyRisk(`git -c ${alias.split('=')[0]} runs a command that deletes`);
  const forced = args[verbAt] === 'push' ? pushMayForce(args, words, verbAt) : undefined;
  const own = forced === undefined ? gitCommandRisk(args, verbAt) : maxRisk(gitCommandRisk(args, verbAt), destroyRisk(`git push with ${forced.text} known only at run time (may be --force or +ref)`));
  let risk = own.level === 'read' ? (gitOptionsRisk(args, verbAt) ?? own) : own;
  // `git rebase -x 'rm -rf data' main`, `git bisect run ./t.sh`: as high as the command git runs.
  for (const run of gitRunCommands(args, words, verbAt)) risk = maxRisk(risk, await inner(run.words, run.where));
  return risk;
}

/** Global options that set configuration that can run commands, whatever the subcommand. */
function gitOptionsRisk(args: Args, verbAt: number): StepRisk | undefined {
  for (let i = 0; i < verbAt; i++) {
    const option = args[i];
    if (option === '-c' && (args[i + 1] === undefined || !GIT_HARMLESS_CONFIG.test(args[i + 1]!))) return writeRisk(`git -c ${args[i + 1]?.split('=')[0] ?? '(built at run time)'} can make git run a command`);
    if (option?.startsWith('--config-env') || option?.startsWith('--exec-path=')) return writeRisk(`git ${option.split('=')[0]} can make git run a command`);
  }
  return undefined;
}

/**
 * `git submodule foreach --recursive 'git clean -fdx'`: git runs its words as a shell line in each submodule, as
 * watch and trap do; the line, as one word (code built at run time when a word of it is).
 */
function foreachLine(args: Args, words: readonly ShellWord[], verbAt: number): ShellWord | undefined {
  if (args[verbAt] !== 'submodule') return undefined;
  let i = verbAt + 1;
  while (args[i] === '--quiet' || args[i] === '-q' || args[i] === '--cached') i++;
  if (args[i] !== 'foreach') return undefined;
  i++;
  while (args[i] === '--recursive' || args[i] === '--quiet' || args[i] === '-q') i++;
  if (args[i] === '--') i++;
  const line = words.slice(i);
  if (line.length === 0) return undefined;
  return line.find((word) => word.literal === undefined) ?? literalWord(line.map((word) => word.literal).join(' '));
}

function gitCommandRisk(args: Args, i: number): StepRisk {
  const verb = args[i];
  const rest = args.slice(i + 1);
  // `git $VERB --force`: a subcommand chosen at run time may be push, clean or reset.
  if (verb === undefined) return args.length === i ? readRisk('git') : destroyRisk('git command chosen at run time (may be push --force)');
  const name = `git ${verb}`;
  if (verb === 'push') {
    if (hasShort(rest, 'f', '--force') || rest.some((arg) => arg?.startsWith('--force') || arg === '--delete' || arg === '-d' || arg === '--mirror' || arg === '--prune')) return destroyRisk('git push --force');
    if (positional(rest).some((arg) => arg !== undefined && (arg.startsWith('+') || arg.startsWith(':')))) return destroyRisk('git push overwrites or deletes a remote branch');
    return writeRisk(name);
  }
  if (verb === 'reset' && has(rest, '--hard', '--merge', '--keep')) return destroyRisk('git reset --hard');
  if (verb === 'clean' && (hasShort(rest, 'f', '--force') || hasShort(rest, 'x'))) return destroyRisk('git clean -f deletes untracked files');
  if ((verb === 'checkout' || verb === 'restore') && (rest.includes('.') || rest.includes('--') || has(rest, '-f', '--force'))) return destroyRisk(`${name} discards changes`);
  if (verb === 'branch' && (hasShort(rest, 'D') || has(rest, '--delete', '-d'))) return destroyRisk('git branch -D');
  if (verb === 'tag' && has(rest, '-d', '--delete')) return destroyRisk('git tag -d');
  if (verb === 'stash' && (rest[0] === 'drop' || rest[0] === 'clear')) return destroyRisk(`git stash ${rest[0]}`);
  if (verb === 'filter-branch' || verb === 'filter-repo' || (verb === 'reflog' && rest[0] === 'expire') || (verb === 'gc' && rest.some((arg) => arg?.startsWith('--prune')))) return destroyRisk(name);
  // `git stash` alone is `git stash push`: it takes the uncommitted changes out of the working tree.
  if (verb === 'stash' && rest.length === 0) return writeRisk('git stash sets the uncommitted changes aside');
  const lists = Object.hasOwn(GIT_LISTS, verb) ? GIT_LISTS[verb] : undefined;
  if (lists !== undefined) return lists(rest) ? readRisk(`${name} lists`) : writeRisk(name);
  if (verb === 'config') return gitConfigGets(rest) ? readRisk('git config gets a value') : writeRisk('git config');
  if (GIT_READ.test(verb)) {
    // `git log --output=FILE` writes; `git grep -O` runs a pager command (for diff and log, -O names a file to read).
    // git takes a unique prefix of a long option (`--open-files=`, `--op`); -O may close a cluster (`-lO`).
    const pager = (arg: string) => verb === 'grep' && (/^-[A-Za-z]*O/.test(arg) || (arg.length >= 4 && '--open-files-in-pager'.startsWith(arg.split('=')[0]!)));
    // `git fsck --lost-found` (or `--lost`) writes what it finds into .git/lost-found.
    const lostFound = (arg: string) => verb === 'fsck' && arg.length >= 3 && '--lost-found'.startsWith(arg);
    if (rest.some((arg) => arg !== undefined && (arg === '--output' || arg.startsWith('--output=') || pager(arg) || lostFound(arg)))) return writeRisk(`${name} writes a file or runs a command`);
    return readRisk(name);
  }
  return writeRisk(name);
}

/** Flags of `git branch` and `git tag` that only choose what a listing shows. */
const LISTING_FLAGS = /^(-a|-r|-v|-vv|-i|-n\d*|--all|--remotes|--verbose|--ignore-case|--show-current|--omit-empty|--column|--no-column|--(sort|format|color|column|contains|no-contains|merged|no-merged|points-at)(=.*)?)$/;

/** Listing options whose value may be the next word: always (`--sort`, `--format`, `--points-at`), or unless it is an option. */
const REF_VALUE_OPTIONS = new Set(['--sort', '--format', '--points-at']);
const REF_FILTERS = new Set(['--contains', '--no-contains', '--merged', '--no-merged', '--points-at']);

/**
 * `git branch` and `git tag` list when given no name to create: with only listing flags, or with -l/--list or a
 * filter (`--merged main`, `--contains HEAD`, `--points-at HEAD`), after which every word is a pattern
 * (`git tag --list 'v*'`); `git tag v1` creates a tag.
 */
function listsRefs(rest: Args): boolean {
  // The words without the options' values: `--merged main` is one listing flag.
  const words: Args[number][] = [];
  let filtered = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    words.push(arg);
    if (arg === undefined) continue;
    if (REF_FILTERS.has(arg.split('=')[0]!)) filtered = true;
    if (arg.includes('=') || i + 1 >= rest.length || !(REF_VALUE_OPTIONS.has(arg) || REF_FILTERS.has(arg))) continue;
    const value = rest[i + 1];
    // A value known only at run time may be several words, options among them.
    if (value === undefined) return false;
    if (REF_VALUE_OPTIONS.has(arg) || !value.startsWith('-')) i++;
  }
  if (words.every((arg) => arg !== undefined && LISTING_FLAGS.test(arg))) return true;
  const list = filtered || words.some((arg) => arg === '-l' || arg === '--list' || (arg !== undefined && /^-[a-z]*l$/.test(arg) && !/[dDmMcCfasuFe]/.test(arg.slice(1))));
  return list && words.every((arg) => arg !== undefined && (!arg.startsWith('-') || arg === '-l' || arg === '--list' || /^-[a-z]*l$/.test(arg) || LISTING_FLAGS.test(arg)));
}

/** The subcommand of `git remote`, `git notes`…: the first word that is not an option (`--ref x` takes a value). */
function subcommand(rest: Args): string | undefined {
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--ref') i++;
    else if (arg === undefined || !arg.startsWith('-')) return arg ?? '(built at run time)';
  }
  return undefined;
}

/** Whether a git command that also changes things only lists or shows: `git worktree list`, `git remote show origin`. */
const GIT_LISTS: Readonly<Record<string, (rest: Args) => boolean>> = {
  branch: listsRefs,
  tag: listsRefs,
  remote: (rest) => {
    const sub = subcommand(rest);
    return sub === undefined ? rest.every((arg) => arg === '-v' || arg === '--verbose') : sub === 'show' || sub === 'get-url';
  },
  stash: (rest) => rest[0] === 'list' || rest[0] === 'show',
  worktree: (rest) => subcommand(rest) === 'list',
  submodule: (rest) => ['status', 'summary', undefined].includes(subcommand(rest)),
  notes: (rest) => ['list', 'show', undefined].includes(subcommand(rest)),
};

/** `git config` options that take a value; `--get`, `--list` and friends only read. */
const CONFIG_VALUE_OPTIONS = new Set(['-f', '--file', '--blob', '--type', '--default', '--comment', '--value']);
const CONFIG_GETS = new Set(['--get', '--get-all', '--get-regexp', '--get-urlmatch', '--get-color', '--get-colorbool', '--list', '-l', '--show-origin', '--show-scope']);
const CONFIG_SETS = new Set(['--add', '--replace-all', '--unset', '--unset-all', '--rename-section', '--remove-section', '--edit', '-e']);

/**
 * `git config user.name` and `git config --get x` read a value; `git config x y`, `--unset x` and `-e` change the
 * configuration. git 2.46's subcommands too: `git config get x`, `git config list`, `git config set x y`.
 */
function gitConfigGets(rest: Args): boolean {
  const operands: Args[number][] = [];
  let gets = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === undefined || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    const { name, value } = splitLongOption(arg);
    if (CONFIG_SETS.has(name)) return false;
    if (CONFIG_GETS.has(name)) gets = true;
    if (CONFIG_VALUE_OPTIONS.has(name) && value === undefined) i++;
  }
  if (operands.includes(undefined)) return false;
  if (operands[0] === 'get' || operands[0] === 'list') return true;
  if (['set', 'unset', 'edit', 'rename-section', 'remove-section'].includes(operands[0]!)) return false;
  return gets || operands.length === 1;
}
