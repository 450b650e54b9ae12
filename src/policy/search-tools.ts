import type { Args, Inner } from './program-rules.js';
import { maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/** The file a search tool hands the command it runs: a path known only then. */
const EACH_FILE: ShellWord = { text: '"$FILE"', hints: [] };

/**
 * `rg --pre CMD pattern`, `rg --pre=./x.sh pattern`: ripgrep runs CMD on every file it searches (the file's path
 * as its argument), so the line is as risky as that command; one named at run time (`--pre "$X"`) may be any.
 */
export async function rgRisk(args: Args, words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  let risk: StepRisk = readRisk('rg');
  for (const program of preprocessors(args, words)) {
    risk = maxRisk(risk, await inner([program, EACH_FILE], 'as rg --pre'));
  }
  return risk;
}

/** The programs `--pre` names, as words (`--pre=$X` gives a word known only at run time). */
function preprocessors(args: Args, words: readonly ShellWord[]): ShellWord[] {
  const found: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg === '--pre' && i + 1 < args.length) found.push(words[++i]!);
    else if (arg?.startsWith('--pre=')) found.push({ literal: arg.slice('--pre='.length), text: arg.slice('--pre='.length), hints: [] });
    else if (arg === undefined && /^['"]*--pre=/.test(words[i]!.text)) found.push({ text: words[i]!.text.replace(/^['"]*--pre=/, ''), hints: words[i]!.hints });
  }
  return found;
}

/** fd's options after which the rest of the words (up to `;`) are a command it runs on what it finds. */
const FD_EXEC = new Set(['-x', '--exec', '-X', '--exec-batch']);

/** `fd -e sh -x sh -c 'curl … | sh'`: fd runs the command after -x/-X on each file it finds, rated as that command. */
export async function fdRisk(args: Args, words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  const exec = args.findIndex((arg) => arg !== undefined && FD_EXEC.has(arg));
  const unknown = writeRisk('fd is not known to be read-only');
  if (exec === -1) return unknown;
  const end = args.findIndex((arg, i) => i > exec && arg === ';');
  return maxRisk(unknown, await inner([...words.slice(exec + 1, end === -1 ? undefined : end), EACH_FILE], `in fd ${args[exec]}`));
}
