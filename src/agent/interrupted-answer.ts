/** What the chat says when the user stops an answer (Esc). */
export const INTERRUPTED_NOTICE = 'Interrupted.';

/**
 * Stored after the part of an answer that was said (or alone, when it was stopped before any
 * text: while the model reasoned or planned): the model, reading the conversation again, must not
 * take a cut answer for a whole one, nor a question for unanswered; a reopened session shows
 * where it stopped.
 */
const MARK_LINE = `[${INTERRUPTED_NOTICE}]`;
const MARK = `\n\n${MARK_LINE}`;

export function markInterrupted(text: string): string {
  const said = text.trimEnd();
  return said === '' ? MARK_LINE : `${said}${MARK}`;
}

/** A stored answer's text, and whether the user stopped it. */
export function interruptedAnswer(text: string): { readonly text: string; readonly interrupted: boolean } {
  if (text === MARK_LINE) return { text: '', interrupted: true };
  return text.endsWith(MARK) ? { text: text.slice(0, -MARK.length), interrupted: true } : { text, interrupted: false };
}
