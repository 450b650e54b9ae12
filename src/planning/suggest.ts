/** "did you mean" for near-miss names (step ids, tools, inputs). */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  // Two edits turn any short name into another ("zz" into "a", "web" into "db"): one edit up to 4 letters
  // (none for one letter, which one edit replaces whole), then a third of the name.
  const limit = name.length <= 1 ? 0 : name.length <= 4 ? 1 : Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // The name itself, known elsewhere (a field in the wrong object), is no suggestion.
    if (candidate === name) continue;
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name, candidate, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closestMatch(name, candidates);
  const hidden = lookAlikeNote(name);
  if (match) return ` (did you mean "${match}"?${hidden ? ` ${hidden}` : ''})`;
  return hidden ? ` (${hidden})` : '';
}

/**
 * Names that look right but are not: `dеploy` with a Cyrillic е, a zero-width space, a
 * right-to-left override. Says which characters, so the user can see what the eye cannot.
 */
export function lookAlikeNote(value: unknown): string {
  if (typeof value !== 'string') return '';
  const odd = [...new Set([...value].filter((char) => char.codePointAt(0)! > 0x7e || char.codePointAt(0)! < 0x20))];
  if (odd.length === 0) return '';
  const shown = odd.slice(0, 3).map((char) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return `it contains ${shown.join(', ')}${odd.length > 3 ? '…' : ''}, not plain ASCII`;
}

/** Levenshtein distance with transpositions counted as one edit, giving up past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return rowMin;
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[cols - 1]!;
}

/** `unknown tool "kubctl" (did you mean "kubectl"?); available: docker, helm, …`: the same words at validation and at run time. */
export function unknownToolMessage(name: string, toolNames: Iterable<string>): string {
  const names = [...toolNames];
  const hint = didYouMean(name, names);
  return `unknown tool "${name}"${hint}; available: ${names.sort().join(', ')}`;
}
