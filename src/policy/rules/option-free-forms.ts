/**
 * A command without its option words, for deny and ask rules: `touch -c -- /x` is also `touch /x`, so a rule
 * written for what the command acts on (`shell: "touch /x*"`) holds however many options come before it. Which
 * options take a value is not known for every program, so a second reading also leaves out the word after each
 * single-letter option, unless it is the last word, which is an operand far more often than a value
 * (`touch -d 2020-01-01 /x`, `touch -r ref -c /x` are also `touch /x`). Both only add lines a rule that forbids
 * may meet; an allow rule never sees them.
 */
export function optionFreeForms(name: string, words: readonly string[]): string[] {
  const plain: string[] = [];
  const valueless: string[] = [];
  let ended = false;
  let skipNext = false;
  for (const [index, word] of words.entries()) {
    const skipped = skipNext && index < words.length - 1;
    skipNext = false;
    if (ended) {
      plain.push(word);
      valueless.push(word);
    } else if (word === '--') {
      ended = true;
    } else if (isOption(word)) {
      skipNext = /^-[A-Za-z]$/.test(word);
    } else {
      plain.push(word);
      if (!skipped) valueless.push(word);
    }
  }
  const whole = [name, ...words].join(' ');
  const forms = [[name, ...plain].join(' ')];
  // A command left with no operand says nothing a rule about what it acts on could mean.
  if (valueless.length > 0) forms.push([name, ...valueless].join(' '));
  return [...new Set(forms)].filter((form) => form !== whole);
}

/** `-c`, `-rf`, `--no-create`, `--date=x`; not `-` (standard input) nor a word that is not known before it runs. */
function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith('-') && word !== '--';
}
