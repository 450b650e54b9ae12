import { PARALLEL_INPUT, PARALLEL_PLACEHOLDER } from '../placeholders.js';

/**
 * More spellings of one command for deny and ask rules: without the `--` that ends its options (`touch -- /x` is
 * also `touch /x`, so `touch /x*` meets it), and, for the command parallel runs, once per input written after
 * `:::` (`parallel touch ::: /x /y` runs `touch /x` and `touch /y`; `{}` is where the input goes, else at the end).
 */
export function operandForms(name: string, words: readonly string[], moreArgs: boolean): string[] {
  const forms: string[] = [];
  const end = words.indexOf('--');
  if (end !== -1) forms.push([name, ...words.slice(0, end), ...words.slice(end + 1)].join(' '));
  const input = moreArgs ? words.findIndex((word) => PARALLEL_INPUT.test(word)) : -1;
  if (input === -1) return forms;
  const command = words.slice(0, input);
  // `::::` names files whose lines are the input: not known before it runs.
  const values = words.slice(input).filter((word) => !PARALLEL_INPUT.test(word) && !words.slice(input).some((marker) => /^::::/.test(marker)));
  const placed = command.some((word) => PARALLEL_PLACEHOLDER.test(word));
  for (const value of values) forms.push([name, ...(placed ? command.map((word) => word.replace(new RegExp(PARALLEL_PLACEHOLDER.source, 'g'), value)) : [...command, value])].join(' '));
  return forms;
}
