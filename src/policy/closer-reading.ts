import type { StepEnvironment } from './command-context.js';
import type { FunctionDefinition } from './function-calls.js';
import { forwardingFunctions } from './forwarding-functions.js';
import { loopVariants } from './loop-words.js';
import { maxRisk, type StepRisk } from './risk-level.js';
import type { LineVariables } from './shell-variables.js';
import type { ShellWord } from './shell-syntax.js';

/** A simple command of the line, as the shell rater holds it. */
export interface RatedUnit {
  readonly words: readonly ShellWord[];
  readonly start: number;
  /** "in a pipeline", "in a function"…, or '' at the top. */
  readonly where: string;
}

/** What the rater knows of the whole line. */
export interface LineFacts {
  readonly functions: readonly FunctionDefinition[];
  readonly variables: LineVariables;
  readonly source: string;
  readonly environment: StepEnvironment;
}

/** The rating of each command as written, and the closer one when every command then reads. */
export interface UnitRatings {
  readonly risk?: StepRisk;
  readonly read?: StepRisk;
}

/**
 * Rates the commands of a line (`rate` with words other than the command's own when given), as written, and more
 * closely: the body of a function that only forwards the words of its calls (`k() { kubectl --context x "$@"; };
 * k get pods`) is rated through those calls only, and a loop body once per literal word of the loop (`for v in get
 * describe; do kubectl $v pods; done`). The closer rating is given only when it makes every command `read`: the
 * cases it follows are the everyday read-only ones, and a line that writes or deletes anything keeps the rating
 * of its commands as written, never lower.
 */
export async function closerReading<U extends RatedUnit>(units: readonly U[], rate: (unit: U, words?: readonly ShellWord[]) => Promise<StepRisk>, line: LineFacts): Promise<UnitRatings> {
  const forwarding = forwardingFunctions(line.functions, units, line.source, line.environment);
  const forwarded = (at: number) => forwarding.some((definition) => definition.start < at && at < definition.end);
  let risk: StepRisk | undefined;
  let read: StepRisk | undefined;
  let reads = true;
  for (const unit of units) {
    const found = located(await rate(unit), unit);
    risk = risk === undefined ? found : maxRisk(risk, found);
    if (reads && !forwarded(unit.start)) {
      const closer = found.level === 'read' ? found : await eachLoopWord(unit, rate, line);
      reads = closer?.level === 'read';
      if (reads) read = read === undefined ? closer : maxRisk(read, closer!);
    }
    if (risk.level === 'destroy' && !reads) break;
  }
  return reads && risk?.level !== 'read' ? { risk, read } : { risk };
}

/** A command of a loop body rated once per word of the loop it reads (loopVariants); undefined when it reads none. */
async function eachLoopWord<U extends RatedUnit>(unit: U, rate: (unit: U, words?: readonly ShellWord[]) => Promise<StepRisk>, line: LineFacts): Promise<StepRisk | undefined> {
  let risk: StepRisk | undefined;
  for (const words of loopVariants(unit.words, line.variables, unit.start, line.source) ?? []) {
    const one = located(await rate(unit, words), unit);
    risk = risk === undefined ? one : maxRisk(risk, one);
    if (risk.level !== 'read') break;
  }
  return risk;
}

function located(risk: StepRisk, unit: RatedUnit): StepRisk {
  return risk.level !== 'read' && unit.where ? { ...risk, reason: `${risk.reason} ${unit.where}` } : risk;
}
