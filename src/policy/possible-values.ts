import { expandedValues, wordValues } from './default-expansions.js';
import { SET_BY_BASH, type CopiedValue, type Firm, type LineVariables, type Setting } from './shell-variables.js';

/** A function the line defines, by where it is written. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The values a variable may hold at a place; `complete`: it surely holds one of them there, or is unset where `unset`
 * says it may be (it is not set in a way not followed). Not complete, it may also hold another value, surely set and
 * not empty where `nonEmpty` (`NS=${NS:-web}`: NS's own value, or web), else any or none. So a default written for it
 * (`${NS:-prod}`) applies only where it may be unset or empty.
 */
export interface PossibleValues {
  readonly values: readonly string[];
  readonly complete: boolean;
  readonly unset?: true;
  readonly nonEmpty?: true;
}

const UNKNOWN: PossibleValues = { values: [], complete: false };
/** Set, to a value that is not empty, not known which (a function's argument every call of it gives). */
const SET_NOT_EMPTY: PossibleValues = { values: [], complete: false, nonEmpty: true };

/** What a variable may hold where it may hold what either says (two places that may set it, or one and what it held before). */
export function eitherOf(a: PossibleValues, b: PossibleValues): PossibleValues {
  const nonEmpty = (a.complete || a.nonEmpty === true) && (b.complete || b.nonEmpty === true) && !(a.complete && b.complete);
  return { values: [...a.values, ...b.values], complete: a.complete && b.complete, ...(a.unset || b.unset ? { unset: true as const } : {}), ...(nonEmpty ? { nonEmpty: true as const } : {}) };
}

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
export function possibleValues(variables: LineVariables, name: string, at: number, started: CopiedValue, functions: readonly Span[], present: Present = NOT_PRESENT): PossibleValues {
  const steps = { left: MAX_STEPS };
  const held = mayHold(variables, name, at, { started, present, functions }, steps, 0);
  const values = [...new Set(held.values)];
  if (values.length <= MAX_POSSIBLE) return { ...held, values };
  // Values left out are values not known: set and not empty still, if each of them is.
  const nonEmpty = (held.complete || held.nonEmpty === true) && values.slice(MAX_POSSIBLE).every((value) => value !== '');
  return { values: values.slice(0, MAX_POSSIBLE), complete: false, ...(held.unset ? { unset: true as const } : {}), ...(nonEmpty ? { nonEmpty: true as const } : {}) };
}

/**
 * Whether a variable the line does not set surely holds some value there that is not empty, though not one known
 * (`started` knows none): a function's argument where every call of it is read with its own (argumentBindings).
 */
export type Present = (name: string, at: number) => boolean;
const NOT_PRESENT: Present = () => false;

/** What the values before the line's own settings are read from. */
type Before = { readonly started: CopiedValue; readonly present: Present; readonly functions: readonly Span[] };

function mayHold(variables: LineVariables, name: string, at: number, before: Before, steps: { left: number }, depth: number): PossibleValues {
  if (steps.left-- <= 0 || depth > MAX_COPY_DEPTH || !followed(variables, name) || at > variables.valuesHiddenFrom) return UNKNOWN;
  const { functions } = before;
  const around = innermost(functions, at);
  const inside = (place: number) => around !== undefined && around.start < place && place < around.end;
  // The last statement before `at` that surely sets the variable: in the function's own body, else in the line before
  // the function is written (its calls come after), else before `at`.
  const bodyFirm = (variables.setWithin.get(name) ?? []).map((place): Firm => ({ from: place.at, until: place.at + 1 })).concat(variables.firmWithin.get(name) ?? []);
  const within = around === undefined ? undefined : lastFirm(bodyFirm.filter((place) => inside(place.from)), at);
  const firm = within ?? lastFirm(variables.firmAt.get(name) ?? [], around?.start ?? at);
  // `g() { local X=prod; }`: a local of another function is not the variable read here.
  const places = (variables.settings.get(name) ?? []).filter((place) => (place.at < at || (around !== undefined && !inside(place.at))) && (firm === undefined || place.at >= firm) && (within === undefined || inside(place.at)) && (!variables.localAt.has(place.at) || inside(place.at) || innermost(functions, place.at) === undefined));
  let held: PossibleValues | undefined;
  // The places nearest the read first: past the bounds, what is left out is what more places set since.
  for (const place of places.reverse()) {
    if (steps.left-- <= 0) return held === undefined ? UNKNOWN : eitherOf(held, UNKNOWN);
    const values = valuesOf(variables, place, before, steps, depth);
    held = held === undefined ? values : eitherOf(held, values);
  }
  if (firm !== undefined) return held ?? UNKNOWN;
  const start = before.started(name, at);
  const initial = start !== undefined ? { values: [start], complete: true } : before.present(name, at) ? SET_NOT_EMPTY : UNKNOWN;
  return held === undefined ? initial : eitherOf(initial, held);
}

function valuesOf(variables: LineVariables, place: Setting, before: Before, steps: { left: number }, depth: number): PossibleValues {
  if (place.unset) return { values: [], complete: true, unset: true };
  if (place.value !== undefined) return { values: [place.value], complete: true };
  if (place.copy === undefined) return UNKNOWN;
  const copied = mayHold(variables, place.copy.source, place.copy.at, before, steps, depth + 1);
  // `X=${NS:-prod}`, `: ${NS:=prod}`: what the expansion gives of the value the variable held there.
  if (place.expansion !== undefined) {
    const expanded = expandedValues(place.expansion, copied, wordValues(place.expansion.word, (name) => mayHold(variables, name, place.at, before, steps, depth + 1)));
    return place.split ? fields(expanded) : expanded;
  }
  // `X=$NS` sets X, empty where NS is unset.
  const { unset, ...set } = copied;
  return unset ? { ...set, values: [...set.values, ''] } : set;
}

/** The fields of each value, split at blanks; one a glob would expand is not known. */
function fields(held: PossibleValues): PossibleValues {
  const split = held.values.flatMap((value) => value.split(/[ \t\n]+/).filter((field) => field !== ''));
  const globbed = split.some((field) => /[*?[]/.test(field));
  return { values: split.filter((field) => !/[*?[]/.test(field)), complete: held.complete && !globbed };
}

/** The start of the statement that last surely sets a variable, seen from `at`. */
function lastFirm(places: readonly Firm[], at: number): number | undefined {
  let last: Firm | undefined;
  for (const place of places) if (place.until <= at && (last === undefined || place.until > last.until)) last = place;
  return last?.from;
}

/** Whether every way the line sets the variable is a place possibleValues reads. */
function followed(variables: LineVariables, name: string): boolean {
  return !(variables.values.has('IFS') || SET_BY_BASH.has(name) || variables.namedAtRunTime || variables.indirect.has(name) || variables.textAtRunTime.has(name) || variables.arithmeticSet.has(name) || variables.integers.has(name) || variables.references.has(name));
}

/** The innermost function written around a place. */
export function innermost(functions: readonly Span[], at: number): Span | undefined {
  let found: Span | undefined;
  for (const span of functions) if (span.start < at && at < span.end && (found === undefined || span.start > found.start)) found = span;
  return found;
}
