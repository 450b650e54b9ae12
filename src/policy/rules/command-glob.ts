import picomatch from 'picomatch';

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

export function compileGlob(pattern: string): GlobMatcher {
  const known = cache.get(pattern);
  if (known) return known;
  let test: (subject: string) => boolean;
  try {
    const whole = picomatch(literalQuotes(pattern), OPTIONS);
    const base = /(^|[^\\]) \*$/.test(pattern) ? literalQuotes(pattern.slice(0, -2)) : undefined;
    const withoutRest = base === undefined ? undefined : base === '' ? (subject: string) => subject === '' : picomatch(base, OPTIONS);
    test = withoutRest === undefined ? whole : (subject) => whole(subject) || withoutRest(subject);
  } catch (error) {
    throw new GlobSyntaxError(pattern, (error as Error).message);
  }
  const matcher: GlobMatcher = (subject) => test(subject.replace(/\r\n|\r|\n/g, ' '));
  cache.set(pattern, matcher);
  return matcher;
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

export function globMatches(pattern: string, subject: string): boolean {
  return compileGlob(pattern)(subject);
}
