/**
 * A command line (or a rule's pattern) with blanks collapsed to one space and each run of
 * short-flag words written as one sorted cluster: `-rf`, `-fr`, `-r -f` and `-f  -r` all
 * become `-fr`. Deny and ask rules compare this form of both sides, so `rm -rf /*` catches
 * `rm -fr /var` and `rm -r -f /var`. Only words of letters after one `-` count as flags;
 * a word with glob characters (`-[rf]`) is left as written.
 */
export function flagSpelling(text: string): string {
  const words = text.trim().split(/\s+/);
  const out: string[] = [];
  let cluster: Set<string> | undefined;
  const flush = () => {
    if (cluster) out.push(`-${[...cluster].sort().join('')}`);
    cluster = undefined;
  };
  for (const word of words) {
    if (/^-[A-Za-z]+$/.test(word)) {
      cluster ??= new Set();
      for (const letter of word.slice(1)) cluster.add(letter);
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
