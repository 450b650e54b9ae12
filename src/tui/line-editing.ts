import type { Key } from 'ink';

export type Line = { readonly text: string; readonly cursor: number };

/**
 * One key on a one-line field, with the line-editing keys of readline (bash, the REPLs): Ctrl-A/Home
 * and Ctrl-E/End go to the start and end, Ctrl-B/Ctrl-F and Alt-B/Alt-F move by a character or a word,
 * Ctrl-U and Ctrl-K cut before and after the cursor, Ctrl-W and Alt-Backspace the word before it,
 * Ctrl-D deletes under it. Any other Ctrl or Alt key does nothing: its letter is not typed.
 */
export function editLine({ text, cursor }: Line, input: string, key: Key): Line {
  const at = (position: number): Line => ({ text, cursor: position });
  const cut = (from: number, to: number): Line => ({ text: text.slice(0, from) + text.slice(to), cursor: from });
  if (key.home || (key.ctrl && input === 'a')) return at(0);
  if (key.end || (key.ctrl && input === 'e')) return at(text.length);
  if (key.leftArrow || (key.ctrl && input === 'b')) return at(previousBoundary(text, cursor));
  if (key.rightArrow || (key.ctrl && input === 'f')) return at(nextBoundary(text, cursor));
  if (key.meta && input === 'b') return at(wordStart(text, cursor));
  if (key.meta && input === 'f') return at(wordEnd(text, cursor));
  if (key.ctrl && input === 'u') return cut(0, cursor);
  if (key.ctrl && input === 'k') return cut(cursor, text.length);
  if ((key.ctrl && input === 'w') || (key.meta && (key.backspace || key.delete))) return cut(wordStart(text, cursor), cursor);
  if (key.ctrl && input === 'd') return cursor < text.length ? cut(cursor, nextBoundary(text, cursor)) : at(cursor);
  // Terminals send Backspace as DEL, which Ink reads as delete: both delete the character before the cursor.
  if (key.backspace || key.delete) return cursor > 0 ? cut(previousBoundary(text, cursor), cursor) : at(cursor);
  if (key.ctrl || key.meta || !input) return at(cursor);
  return { text: text.slice(0, cursor) + input + text.slice(cursor), cursor: cursor + input.length };
}

function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

function wordEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

/**
 * Characters as the user sees them (grapheme clusters): 😀 is two UTF-16 units, 👨‍👩‍👧 five characters joined,
 * 🇯🇵 two. Moving or deleting by units split them and left lone surrogates, which reached the model and the session.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Where the character before the cursor starts. */
export function previousBoundary(text: string, cursor: number): number {
  let start = 0;
  for (const { index } of graphemes.segment(text)) {
    if (index >= cursor) break;
    start = index;
  }
  return start;
}

/** Where the character at the cursor ends. */
export function nextBoundary(text: string, cursor: number): number {
  for (const { index, segment } of graphemes.segment(text)) if (index + segment.length > cursor) return index + segment.length;
  return text.length;
}
