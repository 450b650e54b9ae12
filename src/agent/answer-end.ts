import { cutCallNotice } from './model-errors.js';

/** What the chat says when the user stops an answer (Esc). */
export const INTERRUPTED_NOTICE = 'Interrupted.';
/** What the chat says when the model's answer ended at its output limit (finish reason "length"). */
export const CUT_OFF_NOTICE = 'The answer was cut off at the model\'s output limit; say "go on" for the rest.';

/** How an answer ended short: stopped by the user, or cut at the model's output limit. */
export type AnswerEnd = 'interrupted' | 'cut-off';

/**
 * Stored after the part of an answer that was said (or alone, when it was stopped before any
 * text: while the model reasoned or planned): the model, reading the conversation again, must not
 * take a cut answer for a whole one, nor a question for unanswered; a reopened session shows
 * where it stopped.
 */
const MARK_LINES: Readonly<Record<AnswerEnd, string>> = {
  interrupted: `[${INTERRUPTED_NOTICE}]`,
  'cut-off': "[Cut off at the model's output limit.]",
};

/**
 * The mark of an answer whose text was followed by a function call the limit cut mid-arguments: it names the call,
 * so a reopened session says what the live one said (raise the limit, not "go on"), and the model reads in plain
 * text that the call was never made (a call without its result would not be a valid history).
 */
const cutCallMark = (tool: string): string => `[Cut off at the model's output limit in its call of ${tool}, which was not made.]`;
const CUT_CALL_MARK = /^\[Cut off at the model's output limit in its call of ([^\n]+), which was not made\.\]$/;

/** `cutCall`: with `cut-off`, the function whose call the limit cut off after the text. */
export function markAnswer(text: string, end: AnswerEnd, cutCall?: string): string {
  const said = text.trimEnd();
  const line = end === 'cut-off' && cutCall !== undefined ? cutCallMark(cutCall) : MARK_LINES[end];
  return said === '' ? line : `${said}\n\n${line}`;
}

/** A stored answer's text, and how it ended short, if it did (and which call the limit cut, if it named one). */
export function shortAnswer(text: string): { readonly text: string; readonly end?: AnswerEnd; readonly cutCall?: string } {
  for (const end of ['interrupted', 'cut-off'] as const) {
    const line = MARK_LINES[end];
    if (text === line) return { text: '', end };
    if (text.endsWith(`\n\n${line}`)) return { text: text.slice(0, -line.length - 2), end };
  }
  const cut = text.lastIndexOf('\n\n');
  const last = cut < 0 ? text : text.slice(cut + 2);
  const tool = CUT_CALL_MARK.exec(last)?.[1];
  if (tool !== undefined) return { text: cut < 0 ? '' : text.slice(0, cut), end: 'cut-off', cutCall: tool };
  return { text };
}

/** The notice a reopened session shows under an answer that ended short, as the live chat showed it. */
export function answerEndNotice(end: AnswerEnd, cutCall?: string): { readonly text: string; readonly tone: 'info' | 'warning' } {
  if (end === 'interrupted') return { text: INTERRUPTED_NOTICE, tone: 'info' };
  return { text: cutCall !== undefined ? cutCallNotice(cutCall) : CUT_OFF_NOTICE, tone: 'warning' };
}
