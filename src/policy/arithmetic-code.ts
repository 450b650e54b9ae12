import type { StepEnvironment } from './command-context.js';
import { arithmeticReads } from './arithmetic-operands.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import type { ShellNode } from './shell-syntax.js';
import { hideAfterArithmetic, SET_BY_BASH, type LineVariables, type NamedReads } from './shell-variables.js';

/** A whole number as bash reads it in arithmetic (blanks around it allowed). */
const NUMBER = /^\s*[-+]?[0-9]+\s*$/;
/** Variables bash sets itself to numbers. */
const COUNTERS = new Set(['RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'EPOCHSECONDS', 'BASHPID', 'HISTCMD', 'OPTIND', 'PPID', 'UID', 'EUID', 'SHLVL', 'COLUMNS', 'LINES', 'BASH_SUBSHELL']);

/**
 * Each place where the line's arithmetic evaluates text read at run time, with what it reads there (`$(cat f)`, `$n`,
 * `n`). Bash evaluates a variable's value in arithmetic as an expression itself, and a subscript in it runs command
 * substitutions (`x[$(rm -rf ~)]`) and may assign any variable (`DRY=1`): code ksa cannot read, as `eval "$code"` is.
 * A variable counts as run-time text unless every value it may hold there is a whole number: the line's values, those
 * the line's own arithmetic gave it before (`i=0` of `for ((i=0; i<3; i++))`; `n` of `n=n+1` is read before it is
 * assigned), and the step's `env` value while the line has not set it yet; one neither the line nor the step's `env`
 * sets holds what ksa cannot see (`for ((i=0; i<N; i++))`, `((count++))` with no count set first).
 */
export function evaluatedText(variables: LineVariables, environment: StepEnvironment): { readonly at: number; readonly operand: string; readonly reads?: NamedReads }[] {
  const parts = [...variables.arithmetic].sort((a, b) => a.at - b.at).flatMap(({ at, text, reads }) => sequenced(text).map((part) => ({ at, part, reads, safe: SAFE[reads ?? 'numbers'] })));
  // Where the line's arithmetic first assigns each name: the part after which it holds a number.
  const countedFrom = new Map<string, number>();
  parts.forEach(({ part }, index) => {
    for (const name of assignedNames(part)) if (!countedFrom.has(name)) countedFrom.set(name, index);
  });
  const places: { at: number; operand: string; reads?: NamedReads }[] = [];
  parts.forEach(({ at, part, safe, reads }, index) => {
    const counted = (name: string) => (countedFrom.get(name) ?? Number.POSITIVE_INFINITY) < index;
    // Where a name is read, a function's arguments count as the names its callers write (`set_var tag v1`), as before.
    const considered = arithmeticReads(part).filter((each) => reads === undefined || !POSITIONAL.test(each.spelled));
    const read = considered.find((each) => each.name === undefined || holdsText(variables, environment, each.name, at, counted(each.name), safe));
    if (read !== undefined) places.push({ at, operand: read.spelled, ...(reads === undefined ? {} : { reads }) });
  });
  return places;
}

/** The expressions of an arithmetic text in the order bash evaluates them: split at `,` and at the `;` of `for ((…))`. */
function sequenced(text: string): string[] {
  return text.split(/[,;]/);
}

/** An assignment's operator after a name (`=`, `+=`, `<<=`…, not `==`), or `++`/`--` on either side of it. */
const ASSIGNED = /(?:\+\+|--)\s*([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)\s*(?:(?:[-+*\/%&^|]|<<|>>)?=(?!=)|\+\+|--)/g;

/** The names an expression assigns: each holds a whole number once it is evaluated (bash stores the result). */
function assignedNames(part: string): string[] {
  return [...part.matchAll(ASSIGNED)].map((match) => (match[1] ?? match[2])!).filter((name) => !/^[0-9]/.test(name));
}

/**
 * For the risk rater, which reads the values a line surely holds: each such place is rated as `eval` of run-time code,
 * and no value is known after it. Deny rules do not hide values there: the value held before stays one that may run.
 */
export function arithmeticRisks(variables: LineVariables, root: ShellNode, environment: StepEnvironment): StepRisk[] {
  return evaluatedText(variables, environment).map(({ at, operand, reads }) => {
    hideAfterArithmetic(variables, root, at);
    if (reads === 'names') return destroyRisk(`a variable named by text read at run time, whose subscript bash evaluates as code: ${operand}`);
    if (reads === 'keys') return destroyRisk(`an array key bash expands again, holding text read at run time: ${operand}`);
    return destroyRisk(`arithmetic evaluates text read at run time as code: ${operand}`);
  });
}

/** `$1`, `${2}`, `$@`, `$*`, quoted or not. */
const POSITIONAL = /^\$(?:[0-9@*]|\{(?:[0-9]+|[@*])\})$/;

/** Values that run nothing where they are read: a number in arithmetic, a name where bash reads one, a key with no expansion. */
const SAFE: Readonly<Record<NamedReads | 'numbers', RegExp>> = { numbers: NUMBER, names: /^\s*(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)\s*$/, keys: /^[^$`]*$/ };

function holdsText(variables: LineVariables, environment: StepEnvironment, name: string, at: number, counted: boolean, safe: RegExp): boolean {
  if (COUNTERS.has(name)) return false;
  // A variable set by a name read at run time may be any one; where a name is read (`names`, `keys`) that setting is
  // itself such a read, rated where it is.
  if (SET_BY_BASH.has(name) || (variables.namedAtRunTime && safe === NUMBER) || variables.textAtRunTime.has(name) || variables.defaultsAssigned.has(name) || variables.indirect.has(name)) return true;
  if ((variables.values.get(name) ?? []).some((value, i) => !safe.test(value) && !variables.counted.has(`${name}\0${i}`))) return true;
  // A value computed at run time is kept as the words it is made of (`$(cat f)` as `cat f`): text, unless a number was asked.
  if (safe !== NUMBER && variables.computed.has(name)) return true;
  // `(( F = 0 ))` before: the line's arithmetic gave it a number.
  if (counted) return false;
  // A value the line sets for sure before the arithmetic is the one read; until then, the step's.
  const setBefore = (variables.setAt.get(name) ?? Number.POSITIVE_INFINITY) < at && !variables.fromOutside.has(name);
  if (setBefore) return false;
  if (environment.values.has(name)) return !safe.test(environment.values.get(name) ?? '');
  if (environment.anything) return true;
  // Set by the line only where it may not have run yet (a function body, a branch, a loop; every value a safe one):
  // taken as set. Neither the line nor the step sets it: what ksa cannot see (`((count++))` with no count set first).
  return !variables.values.has(name);
}
