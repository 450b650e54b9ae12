import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { editLine, type Line } from '../../src/tui/line-editing.js';

// The chat's input line edits as readline does (bash, the REPLs): Ctrl and Alt keys edit, they are not typed.

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false,
  hyper: false, capsLock: false, numLock: false,
} as Key;
const key = (partial: Partial<Key>): Key => ({ ...NO_KEY, ...partial });
/** `|` marks the cursor. */
const line = (marked: string): Line => ({ text: marked.replace('|', ''), cursor: marked.indexOf('|') });
const press = (marked: string, input: string, partial: Partial<Key> = {}) => {
  const { text, cursor } = editLine(line(marked), input, key(partial));
  return `${text.slice(0, cursor)}|${text.slice(cursor)}`;
};

describe('editLine', () => {
  it.each([
    ['Ctrl-A', 'deploy the |shop', 'a', { ctrl: true }, '|deploy the shop'],
    ['Home', 'deploy the |shop', '', { home: true }, '|deploy the shop'],
    ['Ctrl-E', 'deploy |the shop', 'e', { ctrl: true }, 'deploy the shop|'],
    ['End', 'deploy |the shop', '', { end: true }, 'deploy the shop|'],
    ['Ctrl-U', 'deploy the |shop', 'u', { ctrl: true }, '|shop'],
    ['Ctrl-K', 'deploy the |shop', 'k', { ctrl: true }, 'deploy the |'],
    ['Ctrl-W', 'deploy the shop  |', 'w', { ctrl: true }, 'deploy the |'],
    ['Alt-Backspace', 'deploy the shop|', '', { meta: true, backspace: true }, 'deploy the |'],
    ['Alt-B', 'deploy the sh|op', 'b', { meta: true }, 'deploy the |shop'],
    ['Alt-F', 'deploy| the shop', 'f', { meta: true }, 'deploy the| shop'],
    ['Ctrl-B', 'ab|c', 'b', { ctrl: true }, 'a|bc'],
    ['Ctrl-F', 'a|bc', 'f', { ctrl: true }, 'ab|c'],
    ['Ctrl-D', 'a|bc', 'd', { ctrl: true }, 'a|c'],
    ['Backspace', 'ab|c', '', { backspace: true }, 'a|c'],
    ['Delete (what terminals send for Backspace)', 'ab|c', '', { delete: true }, 'a|c'],
    ['Backspace at the start', '|abc', '', { backspace: true }, '|abc'],
    ['Left', 'ab|c', '', { leftArrow: true }, 'a|bc'],
    ['Right at the end', 'abc|', '', { rightArrow: true }, 'abc|'],
    ['typing', 'ab|c', 'XY', {}, 'abXY|c'],
    // Characters as seen, not UTF-16 units: an emoji, a family joined with zero-width joiners, a flag.
    ['Backspace after an emoji', 'hi😀|', '', { backspace: true }, 'hi|'],
    ['Backspace after a joined family', 'ab👨‍👩‍👧|cd', '', { delete: true }, 'ab|cd'],
    ['Left over a flag', 'x🇯🇵|y', '', { leftArrow: true }, 'x|🇯🇵y'],
    ['Right over a flag', 'x|🇯🇵y', '', { rightArrow: true }, 'x🇯🇵|y'],
    ['Ctrl-D on an emoji', 'a|😀b', 'd', { ctrl: true }, 'a|b'],
    ['Left over an accent written as two code points', 'cafe\u0301|', '', { leftArrow: true }, 'caf|e\u0301'],
    ['another Ctrl key (Ctrl-L) types nothing', 'ab|c', 'l', { ctrl: true }, 'ab|c'],
    ['another Alt key types nothing', 'ab|c', 'x', { meta: true }, 'ab|c'],
  ])('%s', (_name, before, input, partial, after) => {
    expect(press(before, input, partial)).toBe(after);
  });
});
