import { programName } from '../program-name.js';

/**
 * Flags a program reads as one of its short flags: `rm -R`, `rm --recursive` and `rm -r` all
 * delete a tree, so a deny rule written one way must hold against the others. Only programs
 * whose flags mean the same in every use are listed (git's `--force` is `-f` for push, clean,
 * checkout and mv alike).
 */
const FLAG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  rm: { '-R': 'r', '--recursive': 'r', '--force': 'f', '--dir': 'd', '--verbose': 'v' },
  cp: { '-R': 'r', '--recursive': 'r', '--force': 'f', '--verbose': 'v' },
  mv: { '--force': 'f', '--verbose': 'v' },
  chmod: { '--recursive': 'R', '--verbose': 'v' },
  chown: { '--recursive': 'R', '--verbose': 'v' },
  chgrp: { '--recursive': 'R', '--verbose': 'v' },
  shred: { '--remove': 'u', '--zero': 'z', '--force': 'f', '--verbose': 'v' },
  git: { '--force': 'f' },
};

/** The short-flag letters a word stands for, or undefined when it is not a flag word. */
function flagLetters(word: string, aliases: Readonly<Record<string, string>> | undefined): string | undefined {
  const alias = aliases?.[word];
  if (alias !== undefined) return alias;
  if (!/^-[A-Za-z]+$/.test(word)) return undefined;
  const letters = word.slice(1);
  return aliases === undefined ? letters : [...letters].map((letter) => aliases[`-${letter}`] ?? letter).join('');
}

/**
 * A command line (or a rule's pattern) with blanks collapsed to one space and each run of
 * short-flag words written as one sorted cluster: `-rf`, `-fr`, `-r -f` and `-f  -r` all
 * become `-fr`. Deny and ask rules compare this form of both sides, so `rm -rf /*` catches
 * `rm -fr /var` and `rm -r -f /var`. Only words of letters after one `-` count as flags,
 * and the long or upper-case spellings in FLAG_ALIASES for the line's program
 * (`rm --recursive --force` is `rm -fr`); a word with glob characters (`-[rf]`) is left as written.
 */
export function flagSpelling(text: string): string {
  const words = text.trim().split(/\s+/);
  const aliases = words[0] === undefined ? undefined : FLAG_ALIASES[programName(words[0])];
  const out: string[] = [];
  let cluster: Set<string> | undefined;
  const flush = () => {
    if (cluster) out.push(`-${[...cluster].sort().join('')}`);
    cluster = undefined;
  };
  for (const [index, word] of words.entries()) {
    const letters = index === 0 ? undefined : flagLetters(word, aliases);
    if (letters !== undefined) {
      cluster ??= new Set();
      for (const letter of letters) cluster.add(letter);
      continue;
    }
    flush();
    out.push(word);
  }
  flush();
  return out.join(' ');
}

/**
 * A rule's pattern in flagSpelling form whose flag clusters match any cluster holding at
 * least their letters: deny `rm -rf /*` also covers `rm -rfv /var` and `rm -Rfr /var`.
 * Deny and ask only: a rule that says more than the command must not let it through.
 */
export function flagSubsetPattern(pattern: string): string {
  return flagSpelling(pattern)
    .split(' ')
    .map((word) => (/^-[A-Za-z]+$/.test(word) ? `-${[...word.slice(1)].map((letter) => `*([A-Za-z])${letter}`).join('')}*([A-Za-z])` : word))
    .join(' ');
}
