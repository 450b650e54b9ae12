/**
 * The terminal width of common text without Unicode segmentation: printable
 * ASCII and a set of one-column characters the chat draws (Latin-1, dashes,
 * quotes, bullets, ellipsis, box drawing, blocks, Braille spinners, ✓ ✗ ⊘),
 * with SGR colour codes skipped. Undefined for anything else: the caller asks
 * string-width, whose first use builds Unicode tables (segmenter, emoji regex)
 * that would otherwise delay the chat's first frame. For the text it answers,
 * the width equals string-width's (test/tui/fast-width.test.ts checks each
 * character of the set against it).
 */
export const ONE_COLUMN = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u00FF\u2010-\u2027\u2030-\u203B\u203D-\u2048\u204A-\u205E\u2190-\u2193\u2298\u2500-\u259F\u2713\u2717\u2800-\u28FF]*$/;

const SGR = /\u001b\[[0-9;]*m/g;

export function fastWidth(input: unknown, options?: { readonly ambiguousIsNarrow?: boolean; readonly countAnsiEscapeCodes?: boolean }): number | undefined {
  if (typeof input !== 'string' || options?.ambiguousIsNarrow === false || options?.countAnsiEscapeCodes) return undefined;
  const text = input.includes('\u001b') ? input.replace(SGR, '') : input;
  return ONE_COLUMN.test(text) ? text.length : undefined;
}
