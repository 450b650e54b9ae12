import type { StepEnvironment } from './command-context.js';
import { arithmeticReads } from './arithmetic-operands.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import type { ShellNode } from './shell-syntax.js';
import { hideAfterArithmetic, SET_BY_BASH, type LineVariables } from './shell-variables.js';

/** A whole number as bash reads it in arithmetic (blanks around it allowed). */
const NUMBER = /^\s*[-+]?[0-9]+\s*$/;
/** Variables bash sets itself to numbers. */
const COUNTERS = new Set(['RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'EPOCHSECONDS', 'BASHPID', 'HISTCMD', 'OPTIND', 'PPID', 'UID', 'EUID', 'SHLVL', 'COLUMNS', 'LINES', 'BASH_SUBSHELL']);

/**
 * Each place where the line's arithmetic evaluates text read at run time, with what it reads there (`$(cat f)`, `$n`,
 * `n`). Bash evaluates a variable's value in arithmetic as an expression itself, and a subscript in it runs command
 * substitutions (`x[$(rm -rf ~)]`) and may assign any variable (`DRY=1`): code ksa cannot read, as `eval "$code"` is.
 * A variable counts as run-time text unless every value it may hold there is a whole number: the line's values, those
 * the line's own arithmetic gives it, and the step's `env` value while the line has not set it yet; one neither the line
 * nor the step's `env` sets holds what ksa cannot see.
 */
export function evaluatedText(variables: LineVariables, environment: StepEnvironment): { readonly at: number; readonly operand: string }[] {
  const places: { at: number; operand: string }[] = [];
  for (const { at, text } of variables.arithmetic) {
    const read = arithmeticReads(text).find((each) => each.name === undefined || holdsText(variables, environment, each.name, at));
    if (read !== undefined) places.push({ at, operand: read.spelled });
  }
  return places;
}

/**
 * For the risk rater, which reads the values a line surely holds: each such place is rated as `eval` of run-time code,
 * and no value is known after it. Deny rules do not hide values there: the value held before stays one that may run.
 */
export function arithmeticRisks(variables: LineVariables, root: ShellNode, environment: StepEnvironment): StepRisk[] {
  return evaluatedText(variables, environment).map(({ at, operand }) => {
    hideAfterArithmetic(variables, root, at);
    return destroyRisk(`arithmetic evaluates text read at run time as code: ${operand}`);
  });
}

function holdsText(variables: LineVariables, environment: StepEnvironment, name: string, at: number): boolean {
  if (COUNTERS.has(name)) return false;
  if (SET_BY_BASH.has(name) || variables.namedAtRunTime || variables.textAtRunTime.has(name) || variables.indirect.has(name)) return true;
  if ((variables.values.get(name) ?? []).some((value, i) => !NUMBER.test(value) && !variables.counted.has(`${name}\0${i}`))) return true;
  // A value the line sets for sure before the arithmetic is the one read; until then, the step's.
  const setBefore = (variables.setAt.get(name) ?? Number.POSITIVE_INFINITY) < at && !variables.fromOutside.has(name);
  if (setBefore) return false;
  if (environment.values.has(name)) return !NUMBER.test(environment.values.get(name) ?? '');
  if (environment.anything) return true;
  // `let n=n+1`: a variable the line itself counts with holds a number; one it never sets, what ksa cannot see.
  return !variables.values.has(name) && !variables.computed.has(name);
}
