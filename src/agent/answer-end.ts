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

export function markAnswer(text: string, end: AnswerEnd): string {
  const said = text.trimEnd();
  return said === '' ? MARK_LINES[end] : `${said}\n\n${MARK_LINES[end]}`;
}

/** A stored answer's text, and how it ended short, if it did. */
export function shortAnswer(text: string): { readonly text: string; readonly end?: AnswerEnd } {
  for (const end of ['interrupted', 'cut-off'] as const) {
    const line = MARK_LINES[end];
    if (text === line) return { text: '', end };
    if (text.endsWith(`\n\n${line}`)) return { text: text.slice(0, -line.length - 2), end };
  }
  return { text };
}

/** The notice a reopened session shows under an answer that ended short. */
export function answerEndNotice(end: AnswerEnd): { readonly text: string; readonly tone: 'info' | 'warning' } {
  return end === 'interrupted' ? { text: INTERRUPTED_NOTICE, tone: 'info' } : { text: CUT_OFF_NOTICE, tone: 'warning' };
}
