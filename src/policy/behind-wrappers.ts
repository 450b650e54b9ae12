import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';
import { ENVIRONMENT_ASSIGNMENT, isWrapper, unwrap } from './wrappers.js';

/** How many wrappers in a row are looked through (`sudo env timeout 60 tar …`). */
const MAX_WRAPPERS = 8;

/**
 * The command a wrapper runs, through any number of them: `sudo tar xzf a.tgz`, `env X=1 tar …` and
 * `timeout 60 tar …` unpack as `tar …` does, `sudo curl -o i.sh …` saves as `curl -o i.sh …` does.
 * The words themselves when they start with no wrapper, or one that runs no command of its own words.
 */
export function behindWrappers(words: readonly ShellWord[]): readonly ShellWord[] {
  let current = words;
  for (let depth = 0; depth < MAX_WRAPPERS; depth++) {
    const program = current[0]?.literal;
    if (program === undefined || !isWrapper(programName(program))) return current;
    const inner = unwrap(programName(program), current.slice(1));
    if (inner.kind !== 'command') return current;
    // `sudo X=1 tar …`: the assignments in front go to the command's environment.
    const start = inner.words.findIndex((word) => !ENVIRONMENT_ASSIGNMENT.test(word.literal ?? ''));
    if (start === -1) return current;
    current = inner.words.slice(start);
  }
  return current;
}
