/** What the chat says when the user stops an answer (Esc). */
export const INTERRUPTED_NOTICE = 'Interrupted.';

/**
 * Stored after the part of an answer that was said: the model, reading the conversation again,
 * must not take a cut answer for a whole one, and a reopened session shows where it stopped.
 */
const MARK = `\n\n[${INTERRUPTED_NOTICE}]`;

export function markInterrupted(text: string): string {
  return `${text.trimEnd()}${MARK}`;
}

/** A stored answer's text, and whether the user stopped it. */
export function interruptedAnswer(text: string): { readonly text: string; readonly interrupted: boolean } {
  return text.endsWith(MARK) ? { text: text.slice(0, -MARK.length), interrupted: true } : { text, interrupted: false };
}
