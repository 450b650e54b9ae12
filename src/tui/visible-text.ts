/**
 * Text from a plan, a model, a command's output or a file, made safe to print: control characters
 * (ESC, CR, BEL, backspace, C1 codes…) are shown as escapes instead of acting on the terminal. A
 * plan whose command hides part of itself (`rm -rf ./x \x1b[2K\recho harmless` prints as
 * "echo harmless") would otherwise be approved on a lie. Newlines and tabs stay.
 */
export function visible(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, escapeControl) : text;
}

// C0 except \t and \n, DEL, C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

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
