/**
 * Text from a plan, a model, a command's output or a file, made safe to print: control characters
 * (ESC, CR, BEL, backspace, C1 codes…) are shown as escapes instead of acting on the terminal. A
 * plan whose command hides part of itself (`rm -rf ./x \x1b[2K\recho harmless` prints as
 * "echo harmless") would otherwise be approved on a lie. Newlines and tabs stay.
 */
export function visible(text: string): string {
  let shown = CONTROL.test(text) ? text.replace(CONTROL_ALL, escapeControl) : text;
  if (INVISIBLE.test(shown)) shown = shown.replace(INVISIBLE_ALL, (char, at: number, whole: string) => (char === ZWJ && joinsEmoji(whole, at) ? char : codePoint(char)));
  return shown;
}

// C0 except \t and \n, DEL, C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
/**
 * Characters that reorder or hide text (the "Trojan Source" trick): bidi embeddings, overrides, isolates and
 * marks, which a terminal applying bidi uses to show a command other than the one that runs, and zero-width
 * characters that make two different commands look the same. Shown as `\u202e`.
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
const ZWJ = '\u200d';
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

/** A zero-width joiner inside an emoji sequence (👩‍💻) draws one emoji: kept. */
function joinsEmoji(text: string, at: number): boolean {
  // Skipped back: an emoji's presentation selector and skin tone (👩🏽‍💻).
  const before = text.slice(Math.max(0, at - 6), at).replace(/[\ufe0f\u{1f3fb}-\u{1f3ff}]+$/u, '');
  const last = [...before].at(-1) ?? '';
  const next = [...text.slice(at + 1, at + 3)][0] ?? '';
  return PICTOGRAPH.test(last) && PICTOGRAPH.test(next);
}

function codePoint(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

const NAMED: Record<string, string> = { '\r': '\\r', '\u001b': '\\e', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\u0000': '\\0' };

function escapeControl(char: string): string {
  return NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * A command's output as one plain line: its colours and cursor moves (CSI and OSC sequences, which
 * tools print for terminals) are dropped, anything else that would act on the terminal is shown.
 */
export function plainText(text: string): string {
  return visible(text.replace(ESCAPE_SEQUENCE, ''));
}

const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]/g;

const SGR_SPLIT = /(\u001b\[[0-9;]*m)/;

/**
 * A line ksa prints to a terminal, with its own colours (SGR) kept and everything else that would act on the
 * terminal shown: for whole lines that hold names a repository or a server chose (a plan's file name, an MCP
 * tool's description, a model's id), wherever they were put together.
 */
export function terminalSafe(line: string): string {
  if (!CONTROL.test(line) && !INVISIBLE.test(line)) return line;
  return line
    .split(SGR_SPLIT)
    .map((part, at) => (at % 2 === 1 ? part : visible(part)))
    .join('');
}
