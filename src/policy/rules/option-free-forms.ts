import { optionReader } from './value-options.js';

/**
 * A command without its option words, for deny and ask rules: `touch -c -- /x` is also `touch /x`, so a rule
 * written for what the command acts on (`shell: "touch /x*"`) holds however many options come before it. Which
 * options take a value is not known for every program: the word after an option (`-d`, `-mt`, `--date`, not
 * `--date=x`) may be its value or an operand, so each reading is tried, the word left out or kept (`touch -d
 * 2020-01-01 /x`, `touch --date 2020-01-01 /x`, `touch -mt 202001010000 /x` are also `touch /x`); the last word is
 * kept, as it is an operand far more often than a value. An option takes a value or does not wherever it is
 * written, so one written several times (`-o a -o b`) is one choice, not one per time. Where the program's options
 * are known (value-options.ts), a value is always left out (`ssh -i prod.pem staging-1` is only `ssh staging-1`,
 * `git -C . push -o a --force origin main` only `git push origin main`). These only add lines a rule that forbids
 * may meet; an allow rule never sees them.
 */
export function optionFreeForms(name: string, words: readonly string[]): string[] {
  const whole = [name, ...words].join(' ');
  return [...new Set(optionFreeWords(name, words).map((kept) => [name, ...kept].join(' ')))].filter((form) => form !== whole);
}

/** The words optionFreeForms keeps of a command after its name, per reading (the whole command's among them). */
export function optionFreeWords(name: string, words: readonly string[]): string[][] {
  const operands: { readonly word: string; readonly maybeValueOf?: number }[] = [];
  // The options whose value is unsure, by where they are read (git's own, its command's) and how they are written.
  const unsure = new Map<string, number>();
  let reader = optionReader(name);
  let readerIndex = 0;
  // Where the operands of the command being read start, and an option's value that is its first operand (`git push --repo origin`).
  let commandStart = 0;
  let firstOperand: { readonly word: string; readonly at: number } | undefined;
  let ended = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (ended) operands.push({ word });
    else if (reader.ends(word)) ended = true;
    else if (!isOption(word)) {
      operands.push({ word });
      const next = reader.after(word);
      if (next !== reader) {
        readerIndex++;
        commandStart = operands.length;
      }
      reader = next;
    } else if (reader.namesFirstOperand(word) && (word.includes('=') || (reader.option(word) === 'value' && index + 1 < words.length))) {
      // Given again, the last one counts, as git reads it.
      firstOperand = { word: word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[++index]!, at: commandStart };
    } else if (reader.option(word) === 'value') index++;
    else if (reader.option(word) === 'unsure' && index + 1 < words.length - 1 && !isOption(words[index + 1]!) && !reader.ends(words[index + 1]!)) {
      const key = `${readerIndex} ${word}`;
      if (!unsure.has(key)) unsure.set(key, unsure.size);
      operands.push({ word: words[index + 1]!, maybeValueOf: unsure.get(key)! });
      index++;
    }
  }
  const forms: string[][] = [];
  for (const taken of readings(unsure.size)) {
    const kept = operands.filter((operand) => operand.maybeValueOf === undefined || !taken.has(operand.maybeValueOf)).map((operand) => operand.word);
    // A command left with no operand says nothing a rule about what it acts on could mean, unless no word was read as a value.
    if (kept.length > 0 || taken.size === 0) forms.push(kept);
    if (firstOperand !== undefined) {
      const at = operands.slice(0, firstOperand.at).filter((operand) => operand.maybeValueOf === undefined || !taken.has(operand.maybeValueOf)).length;
      forms.push([...kept.slice(0, at), firstOperand.word, ...kept.slice(at)]);
    }
  }
  return forms;
}

/**
 * The most options whose value is unsure that are read every way (2 to the power of it). Past it, all or none take
 * one, each one alone does, and each one alone does not.
 */
const MOST_UNSURE = 4;

/** Which of the `count` unsure options take the word after them as their value, per reading. */
function readings(count: number): ReadonlySet<number>[] {
  const all = Array.from({ length: count }, (_, index) => index);
  if (count <= MOST_UNSURE) return Array.from({ length: 2 ** count }, (_, mask) => new Set(all.filter((index) => (mask >> index) & 1)));
  return [new Set(), new Set(all), ...all.map((one) => new Set([one])), ...all.map((one) => new Set(all.filter((index) => index !== one)))];
}

/** `-c`, `-rf`, `--no-create`, `--date=x`; not `-` (standard input) nor a word that is not known before it runs. */
function isOption(word: string): boolean {
  return word.length > 1 && word.startsWith('-') && word !== '--';
}
