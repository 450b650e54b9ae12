import { REDACTED } from '../planning/redacted.js';

/** A private-use character: Markdown reads it as a plain word character, so it is neither emphasis nor a rule. */
const STAND_IN = '\uE000';

/** A run of exactly three stars (four or more are no redaction mark). */
const THREE_STARS = /(?<![*\\])\*\*\*(?!\*)/g;

const WORD = /[\p{L}\p{N}]/u;
/** What may come right before emphasis opens (`***really***`, `(***really***)`). */
const BEFORE_OPENING = /[\s([{"']/u;
/** What may end the emphasised text right before it closes. */
const BEFORE_CLOSING = /[\p{L}\p{N}.!?)\]]/u;
const AFTER_CLOSING = /[\s\p{P}\p{S}]/u;

/**
 * ksa writes a hidden value as `***` (`pw=***, tok=***`), and Markdown reads three stars as emphasis (or, alone on
 * a line, as a rule): the marks vanished, and emphasis around them swallowed them. Emphasis that opens at a word
 * (`***really***`) or closes after one still is emphasis; every other `***` stands for a hidden value, and any
 * doubt keeps the mark visible. The marks are swapped for a stand-in before the text is read as Markdown, and
 * back in what was read (restoreRedactionMarks). Undefined: the text has no mark, or holds the stand-in itself.
 */
export function hideRedactionMarks(text: string): string | undefined {
  if (!text.includes(REDACTED) || text.includes(STAND_IN)) return undefined;
  let marks = 0;
  const hidden = text.replace(THREE_STARS, (run, at: number) => {
    if (isEmphasis(text[at - 1] ?? '', text[at + run.length] ?? '')) return run;
    marks++;
    return STAND_IN;
  });
  return marks > 0 ? hidden : undefined;
}

function isEmphasis(before: string, after: string): boolean {
  const opens = (before === '' || BEFORE_OPENING.test(before)) && WORD.test(after);
  const closes = BEFORE_CLOSING.test(before) && (after === '' || AFTER_CLOSING.test(after));
  return opens || closes;
}

/** Puts the marks back in every string of the tokens read from hideRedactionMarks' text (text, code, table cells…). */
export function restoreRedactionMarks<T>(tokens: T): T {
  const seen = new Set<object>();
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes(STAND_IN) ? node.replaceAll(STAND_IN, REDACTED) : node;
    if (typeof node !== 'object' || node === null || seen.has(node)) return node;
    seen.add(node);
    const fields = node as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = visit(fields[key]);
    return node;
  };
  return visit(tokens) as T;
}
