/**
 * A `**` that is a whole path segment may stand for no folder at all, as in picomatch (and bash's
 * globstar): `**\/.env` covers `.env`, `secrets/**` covers `secrets`, `a/**\/b` covers `a/b`. The
 * linear matcher knows only `*`, so such a pattern is given to it as the patterns it stands for:
 * each whole-segment `**` kept (a `*`, any folders) or dropped with one of its slashes.
 * Undefined when there are too many to list; the caller then leaves the pattern to picomatch.
 */
const MOST_GLOBSTARS = 6;

export function globstarReadings(written: string): string[] | undefined {
  // `**/**` is one `**`, as in picomatch.
  let pattern = written;
  for (let shorter = pattern; ; pattern = shorter) {
    shorter = pattern.replace(/(^|\/)\*\*\/\*\*(?=\/|$)/, '$1**');
    if (shorter === pattern) break;
  }
  const drops: { from: number; to: number }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern[i] !== '*' || pattern[i + 1] !== '*') continue;
    const atStart = i === 0;
    const atEnd = i + 2 === pattern.length;
    const whole = (atStart || pattern[i - 1] === '/') && (atEnd || pattern[i + 2] === '/') && pattern[i - 1] !== '*';
    if (whole && !(atStart && atEnd)) {
      // `**/` before more pattern goes with its slash; a last `/**` goes with the slash before it.
      if (!atEnd) drops.push({ from: i, to: i + 3 });
      else if (i > 1) drops.push({ from: i - 1, to: i + 2 });
    }
    while (pattern[i + 1] === '*') i++;
  }
  if (drops.length > MOST_GLOBSTARS) return undefined;
  const readings: string[] = [];
  for (let choice = 0; choice < 1 << drops.length; choice++) {
    let out = '';
    let at = 0;
    drops.forEach((drop, n) => {
      if ((choice & (1 << n)) === 0) return;
      out += pattern.slice(at, drop.from);
      at = drop.to;
    });
    readings.push(out + pattern.slice(at));
  }
  return readings;
}
