/**
 * The other ways a deny or ask rule may be read. A pattern's quotes are characters to match, but
 * rules written before that took double quotes as quoting (`*"rm -rf"*` for the line
 * `cd . && rm -rf victim`), and a JSON pattern copied from a call (`'{"text":"rm -rf","times":2}'`,
 * `'{"paths":["/*"]}'`) has `{…,…}` and `[…]` that glob syntax reads as braces and classes; picomatch,
 * which matched rules before the linear matcher, reads a last `/**\/*` as possibly nothing. A rule
 * that forbids holds when any reading matches; an allow rule keeps the one reading, so it never
 * covers more than it says.
 */
export function denyReadings(pattern: string): string[] {
  const readings = [pattern];
  if (pattern.includes('"')) readings.push(quotesAsQuoting(pattern));
  if (/[{}[\]]/.test(pattern)) readings.push(literalBrackets(pattern));
  // As picomatch reads it, a last `/**/*` may stand for nothing at all: `*/**/*` covers `a`, `secrets/**/*` covers `secrets`.
  const folder = /^(.*[^\\/])\/\*\*\/\*$/.exec(pattern)?.[1];
  if (folder !== undefined && !folder.endsWith('/**') && folder !== '**') readings.push(folder);
  return readings;
}

/** Double-quoted text taken literally, its quotes removed: `"rm -rf"*` reads as `rm\ -rf*`. */
function quotesAsQuoting(pattern: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) out += char + pattern[++i];
    else if (char === '"') quoted = !quoted;
    else out += quoted ? `\\${char}` : char;
  }
  return out;
}

/**
 * The pattern with `{`, `}`, `[` and `]` as the characters they are, but for a class repeated (`*([A-Za-z])`, a flag
 * cluster's letters), which no JSON holds: kept, it can still be matched in linear time.
 */
function literalBrackets(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    const repeated = /^[*+]\(\[[^\]]+\]\)/.exec(pattern.slice(i))?.[0];
    if (repeated !== undefined) {
      out += repeated;
      i += repeated.length - 1;
    } else if (char === '\\' && i + 1 < pattern.length) out += char + pattern[++i];
    else out += '{}[]'.includes(char) ? `\\${char}` : char;
  }
  return out;
}
