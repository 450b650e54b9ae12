import picomatch from 'picomatch';
import { braceReadings } from './brace-readings.js';
import { denyReadings } from './deny-readings.js';
import { extglobsAsBraces, extglobsWidened, picomatchCost } from './extglob-bound.js';
import { globstarReadings } from './globstar-readings.js';
import { jsonStructureLiteral } from './json-structure.js';
import type { PolicyEffect } from './policy-rule.js';
import { wildcardMatcher } from './wildcard-match.js';

/**
 * Globs over tool names and command lines. Unlike path globs, `*` matches any
 * characters, `/` and spaces included (`kubectl: "get *"` covers
 * `get pods/web -n shop`), dots too (`rm -rf /*` covers `/.ssh`); `!` at the start is
 * literal, not a negation; matching is case-sensitive. Line breaks in the subject
 * count as spaces, so a multi-line command cannot slip past `*`. A pattern ending in
 * ` *` also matches the line without it (`"* -n prod *"` covers `get pods -n prod`):
 * a step's namespace and context are shown last, where "anything after" is nothing.
 * Quotes are characters like any other: `{"repo":"*"}` matches the JSON `{"repo":"prod"}`,
 * `echo "*"` the line `echo "hi"` (picomatch's bash mode would read them as quoting). A JSON object's own braces
 * and brackets are characters too (json-structure.ts): `{"owner":"me","repo":"shop"}` is that JSON, not a brace choice.
 * Patterns of literals, `*`, `?` and classes are matched in linear time (wildcard-match.ts),
 * so a rule with many `*` cannot hang every command that reads the policy.
 */
const OPTIONS: picomatch.PicomatchOptions = { bash: true, dot: true, nonegate: true, windows: false };

export type GlobMatcher = (subject: string) => boolean;

export class GlobSyntaxError extends Error {
  constructor(readonly pattern: string, reason: string) {
    super(`invalid pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'GlobSyntaxError';
  }
}

const cache = new Map<string, GlobMatcher>();

/** A rule's pattern; a deny or ask rule's matches by any of its readings (deny-readings.ts). */
export function compileGlob(pattern: string, effect: PolicyEffect = 'allow'): GlobMatcher {
  const key = `${effect === 'allow' ? 'allow' : 'deny'}:${pattern}`;
  const known = cache.get(key);
  if (known) return known;
  let test: (subject: string) => boolean;
  try {
    const read = jsonStructureLiteral(pattern) ?? pattern;
    const tests = (effect === 'allow' ? [read] : denyReadings(read)).map((reading) => wholeLineMatcher(reading, effect !== 'allow'));
    test = tests.length === 1 ? tests[0]! : (subject) => tests.some((one) => one(subject));
  } catch (error) {
    throw new GlobSyntaxError(pattern, (error as Error).message);
  }
  const matcher: GlobMatcher = (subject) => test(subject.includes('\n') || subject.includes('\r') ? subject.replace(/\r\n|\r|\n/g, ' ') : subject);
  cache.set(key, matcher);
  return matcher;
}

function wholeLineMatcher(pattern: string, forbids: boolean): GlobMatcher {
  const whole = globMatcher(pattern, forbids);
  const base = /(^|[^\\]) \*$/.test(pattern) ? pattern.slice(0, -2) : undefined;
  const withoutRest = base === undefined ? undefined : base === '' ? (subject: string) => subject === '' : globMatcher(base, forbids);
  return withoutRest === undefined ? whole : (subject) => whole(subject) || withoutRest(subject);
}

/**
 * The linear-time matcher where the pattern allows it (see wildcard-match.ts; `@(a|b)` read as
 * `{a,b}`), else picomatch's,
 * asked only when the pattern with its extended globs widened to `*` matches (extglob-bound.ts).
 * Picomatch's regular expression can take for ever: a pattern that would is refused (see
 * picomatchCost), and on a line too long to match in time a rule that forbids (`forbids`: deny,
 * ask) is taken to match, an allow rule not to.
 */
function globMatcher(pattern: string, forbids: boolean): GlobMatcher {
  const braced = extglobsAsBraces(pattern);
  const linear = linearMatcher(pattern) ?? (braced === undefined ? undefined : linearMatcher(braced));
  if (linear !== undefined) return linear;
  const cost = picomatchCost(pattern);
  if (cost.nested) throw new Error('a * or a repeat inside +(…) or *(…) can take for ever to match a long line; write the repeated part without * (+(a|b)), or write several rules');
  if (cost.repeats > MOST_REPEATS) {
    throw new Error(`beside an extended glob (or a POSIX class, a brace range) at most ${MOST_REPEATS} * or repeats are matched in time, this has ${cost.repeats}; write @(a|b) as {a,b}, use fewer *, or write several rules`);
  }
  const longest = cost.repeats === 0 ? Infinity : Math.floor(STEP_BUDGET ** (1 / cost.repeats));
  const full = picomatch(literalQuotes(pattern), OPTIONS);
  const bounded: GlobMatcher = (subject) => (subject.length > longest ? forbids : full(subject));
  const widened = extglobsWidened(pattern);
  const loose = widened === undefined || widened === pattern ? undefined : linearMatcher(widened);
  return loose === undefined ? bounded : (subject) => loose(subject) && bounded(subject);
}

/** The most `*` and repeats a pattern for picomatch may have, and the steps its expression may take on a line (about a second). */
const MOST_REPEATS = 3;
const STEP_BUDGET = 1e8;

/** The pattern as the linear matcher's patterns it stands for (braces, `**`, `./`), or undefined. */
function linearMatcher(pattern: string): GlobMatcher | undefined {
  // As picomatch does, `./x` also matches `x` (`read_file: "./secrets/*"` covers `secrets/a`).
  const spellings = pattern.startsWith('./') ? [pattern, pattern.slice(2)] : [pattern];
  const readings: string[] = [];
  for (const spelling of spellings) {
    for (const listed of braceReadings(spelling) ?? [undefined]) {
      const starred = listed === undefined ? undefined : globstarReadings(listed);
      if (starred === undefined) return undefined;
      readings.push(...starred);
    }
  }
  if (readings.length > 256) return undefined;
  const tests: GlobMatcher[] = [];
  for (const reading of readings) {
    const test = wildcardMatcher(reading);
    if (test === undefined) return undefined;
    tests.push(test);
  }
  return tests.length === 1 ? tests[0]! : (subject) => tests.some((test) => test(subject));
}

/** The pattern with each unescaped quote escaped, so picomatch takes it as the character it is. */
function literalQuotes(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) out += char + pattern[++i];
    else out += char === '"' || char === "'" ? `\\${char}` : char;
  }
  return out;
}

export function globMatches(pattern: string, subject: string, effect: PolicyEffect = 'allow'): boolean {
  return compileGlob(pattern, effect)(subject);
}
