import picomatch from 'picomatch';
import { denyReadings } from './deny-readings.js';
import { globstarReadings } from './globstar-readings.js';
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
 * `echo "*"` the line `echo "hi"` (picomatch's bash mode would read them as quoting).
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
    const tests = (effect === 'allow' ? [pattern] : denyReadings(pattern)).map(wholeLineMatcher);
    test = tests.length === 1 ? tests[0]! : (subject) => tests.some((one) => one(subject));
  } catch (error) {
    throw new GlobSyntaxError(pattern, (error as Error).message);
  }
  const matcher: GlobMatcher = (subject) => test(subject.replace(/\r\n|\r|\n/g, ' '));
  cache.set(key, matcher);
  return matcher;
}

function wholeLineMatcher(pattern: string): GlobMatcher {
  const whole = globMatcher(pattern);
  const base = /(^|[^\\]) \*$/.test(pattern) ? pattern.slice(0, -2) : undefined;
  const withoutRest = base === undefined ? undefined : base === '' ? (subject: string) => subject === '' : globMatcher(base);
  return withoutRest === undefined ? whole : (subject) => whole(subject) || withoutRest(subject);
}

/** The linear-time matcher where the pattern allows it (see wildcard-match.ts), else picomatch's. */
function globMatcher(pattern: string): GlobMatcher {
  // As picomatch does, `./x` also matches `x` (`read_file: "./secrets/*"` covers `secrets/a`).
  const spellings = pattern.startsWith('./') ? [pattern, pattern.slice(2)] : [pattern];
  const readings = spellings.map(globstarReadings);
  const linear = readings.every((list) => list !== undefined) ? readings.flat().map((reading) => wildcardMatcher(reading!)) : [undefined];
  if (linear.some((test) => test === undefined)) return picomatch(literalQuotes(pattern), OPTIONS);
  const tests = linear as GlobMatcher[];
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
