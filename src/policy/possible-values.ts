import { expandedValues } from './default-expansions.js';
import { SET_BY_BASH, type CopiedValue, type LineVariables, type Setting } from './shell-variables.js';

/** A function the line defines, by where it is written. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The values a variable may hold at a place; `complete`: it surely holds one of them there (it is not unset, nor set
 * in a way not followed), so a default written for it (`${NS:-prod}`) applies only where one of them is empty.
 */
export interface PossibleValues {
  readonly values: readonly string[];
  readonly complete: boolean;
}

const UNKNOWN: PossibleValues = { values: [], complete: false };

/** Values one variable is met with, at most: past it the others are not (the risk levels still rate the line). */
const MAX_POSSIBLE = 16;
/** Places looked at for one variable, copies of copies included: the work stays linear in the line. */
const MAX_STEPS = 256;
/** How many copies of copies are followed. */
const MAX_COPY_DEPTH = 16;

/**
 * Every value a variable may hold at a place in the line, as far as it is known, for deny rules: each value a place
 * before it sets (in a branch or not: `if …; then X=prod; fi`, `[ … ] && X=$NS`, `case … in *) X=prod;; esac`,
 * each word of a loop over literal words, what a default gives: `X=${NS:-prod}`, `: ${NS:=prod}`), from the last place
 * that surely sets it on, and the value it held before them (`started`: the process's, or a function's argument) while
 * nothing surely set it. In a function's body, what
 * the line sets outside it may have run before the call. Empty when no value is known, and when the variable may be
 * set in ways not followed (`read`, arithmetic, a name reference, an integer attribute, `IFS`), or past a place that
 * hides every value: the risk rater's sure reading (knownValues) stays the only one there.
 */
export function possibleValues(variables: LineVariables, name: string, at: number, started: CopiedValue, functions: readonly Span[]): PossibleValues {
  const steps = { left: MAX_STEPS };
  const held = mayHold(variables, name, at, started, functions, steps, 0);
  const values = [...new Set(held.values)];
  return { values: values.slice(0, MAX_POSSIBLE), complete: held.complete && values.length <= MAX_POSSIBLE };
}

function mayHold(variables: LineVariables, name: string, at: number, started: CopiedValue, functions: readonly Span[], steps: { left: number }, depth: number): PossibleValues {
  if (steps.left-- <= 0 || depth > MAX_COPY_DEPTH || !followed(variables, name) || at > variables.valuesHiddenFrom) return UNKNOWN;
  const around = innermost(functions, at);
  const inside = (place: number) => around !== undefined && around.start < place && place < around.end;
  // The last place before `at` that surely sets the variable: in the function's own body, else in the line before
  // the function is written (its calls come after), else before `at`.
  const within = around === undefined ? undefined : lastBefore((variables.setWithin.get(name) ?? []).filter((place) => inside(place.at)).map((place) => place.at), at);
  const firm = within ?? lastBefore(variables.firmAt.get(name) ?? [], around?.start ?? at);
  // `g() { local X=prod; }`: a local of another function is not the variable read here.
  const places = (variables.settings.get(name) ?? []).filter((place) => (place.at < at || (around !== undefined && !inside(place.at))) && (firm === undefined || place.at >= firm) && (within === undefined || inside(place.at)) && (!variables.localAt.has(place.at) || inside(place.at) || innermost(functions, place.at) === undefined));
  const values: string[] = [];
  let complete = true;
  // The places nearest the read first: past the bounds, what is left out is what more places set since.
  for (const place of places.reverse()) {
    if (steps.left-- <= 0) {
      complete = false;
      break;
    }
    const held = valuesOf(variables, place, started, functions, steps, depth);
    values.push(...held.values);
    complete &&= held.complete;
  }
  if (firm !== undefined) return { values, complete };
  const before = started(name, at);
  return before === undefined ? { values, complete: false } : { values: [before, ...values], complete };
}

function valuesOf(variables: LineVariables, place: Setting, started: CopiedValue, functions: readonly Span[], steps: { left: number }, depth: number): PossibleValues {
  if (place.value !== undefined) return { values: [place.value], complete: true };
  if (place.copy === undefined) return UNKNOWN;
  const copied = mayHold(variables, place.copy.source, place.copy.at, started, functions, steps, depth + 1);
  // `X=${NS:-prod}`, `: ${NS:=prod}`: what the expansion gives of the value the variable held there.
  return place.expansion === undefined ? copied : expandedValues(place.expansion, copied);
}

/** Whether every way the line sets the variable is a place possibleValues reads. */
function followed(variables: LineVariables, name: string): boolean {
  return !(variables.values.has('IFS') || SET_BY_BASH.has(name) || variables.namedAtRunTime || variables.cleared.has(name) || variables.indirect.has(name) || variables.textAtRunTime.has(name) || variables.arithmeticSet.has(name) || variables.integers.has(name) || variables.references.has(name));
}

/** The innermost function written around a place. */
export function innermost(functions: readonly Span[], at: number): Span | undefined {
  let found: Span | undefined;
  for (const span of functions) if (span.start < at && at < span.end && (found === undefined || span.start > found.start)) found = span;
  return found;
}

function lastBefore(places: readonly number[], at: number): number | undefined {
  let last: number | undefined;
  for (const place of places) if (place < at && (last === undefined || place > last)) last = place;
  return last;
}
