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
