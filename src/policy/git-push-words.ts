import { writtenStart } from './attached-values.js';
import type { Args } from './program-rules.js';
import { holdsTemplate } from './placeholders.js';
import { mayBeFlag, mayBeOptions } from './run-time-options.js';
import type { ShellWord } from './shell-syntax.js';

/** `git push` options that take the next word as their value. */
const VALUE_OPTIONS = new Set(['-o', '--push-option', '--repo', '--receive-pack', '--exec']);
/** `git push` options that overwrite or delete remote refs. */
const FORCING = ['--force', '--force-with-lease', '--force-if-includes', '--delete', '--mirror', '--prune', '-f', '-d'];
/** A written cluster of short flags (`-u`, `-vf`): the run-time part after it may add `f` or `d`; `-o` takes the rest as its value. */
const SHORT_FLAGS = /^-[A-Za-np-z0-9]+$/;

/**
 * The word of `git push` known only at run time that may force: quoted or not, any word may be a refspec, and one
 * starting with `+` overwrites the remote branch (`+main`), one starting with `:` deletes it; before `--` it may be
 * `--force`, `-f`, `--delete`, `--mirror` (git takes options after operands too). Not one whose written start makes it
 * another ref (`refs/heads/$B`, `HEAD:$B`) or another option (`--repo=$R`), nor the value of `-o`/`--repo`. A value
 * the step's `env` or the line gives is no longer run-time text: it decides.
 */
export function pushMayForce(args: Args, words: readonly ShellWord[], verbAt: number): ShellWord | undefined {
  const end = args.indexOf('--', verbAt + 1);
  return words.find((word, i) => {
    if (i <= verbAt || args[i] !== undefined || VALUE_OPTIONS.has(args[i - 1] ?? '') || (holdsTemplate(word) && !mayBeOptions(word))) return false;
    const start = writtenStart(word);
    if (start === '' || start.startsWith('+') || start.startsWith(':')) return true;
    if (!start.startsWith('-') || (end !== -1 && i > end)) return false;
    return SHORT_FLAGS.test(start) || (mayBeOptions(word) && mayBeFlag(word, FORCING));
  });
}
