/**
 * `{a,b}` stands for the patterns it lists (`{get,describe} *` is `get *` or `describe *`), so
 * a pattern with braces can go to the linear matcher as those patterns, instead of to a regular
 * expression that a rule with many `*` keeps busy for ever. Braces around one choice are the
 * characters they are, as picomatch reads them (`{"a":"*"}`), and a class is passed over (the
 * `["urgent"]` of a JSON rule). Undefined when the braces are not a plain list (a range `{1..3}`,
 * a brace inside a class) or list too many patterns; the caller then leaves the pattern to picomatch.
 */
const MOST_READINGS = 64;

export function braceReadings(pattern: string): string[] | undefined {
  const group = firstGroup(pattern);
  if (group === null) return undefined;
  if (group === undefined) return [pattern];
  const { start, end, choices } = group;
  const readings: string[] = [];
  for (const choice of choices) {
    const rest = braceReadings(pattern.slice(0, start) + choice + pattern.slice(end + 1));
    if (rest === undefined) return undefined;
    readings.push(...rest);
    if (readings.length > MOST_READINGS) return undefined;
  }
  return readings;
}

/** The first outermost `{…,…}`: its bounds and its comma-separated choices; null for braces read otherwise. */
function firstGroup(pattern: string): { start: number; end: number; choices: string[] } | undefined | null {
  let start = -1;
  let depth = 0;
  let from = 0;
  const choices: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      i++;
    } else if (char === '[' && pattern.indexOf(']', i + 2) !== -1) {
      const close = pattern.indexOf(']', i + 2);
      if (/[{}]/.test(pattern.slice(i, close))) return null;
      i = close;
    } else if (char === '{') {
      if (depth++ === 0) [start, from] = [i, i + 1];
    } else if (char === '}' && depth > 0) {
      if (--depth > 0) continue;
      choices.push(pattern.slice(from, i));
      if (choices.length > 1) return { start, end: i, choices };
      // One choice is literal, unless it is a range (`{1..3}`, `{a..c}`).
      return choices[0]!.includes('..') ? null : { start, end: i, choices: [`\\{${choices[0]}\\}`] };
    } else if (char === ',' && depth === 1) {
      choices.push(pattern.slice(from, i));
      from = i + 1;
    } else if (char === '}') {
      return null;
    }
  }
  return depth === 0 ? undefined : null;
}
