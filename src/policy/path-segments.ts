/**
 * A path's segments as the file system resolves them: `.` and empty segments dropped, `..` taken
 * back (kept at the start, where there is nothing to take back).
 */
export function resolvedSegments(segments: readonly string[]): string[] {
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && kept.length > 0 && kept.at(-1) !== '..') kept.pop();
    else kept.push(segment);
  }
  return kept;
}
