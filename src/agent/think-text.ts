/**
 * Reasoning written into the answer text (`<think>…</think>`, `<thinking>…`,
 * unclosed at the end of a truncated answer): a safety net for when the
 * provider does not turn it into reasoning parts. It is never the answer.
 */

const OPEN = /<(think|thinking)>/i;
const OPEN_TAGS = ['<think>', '<thinking>'];
const CLOSE_TAGS = ['</think>', '</thinking>'];

/** The answer without reasoning blocks, and the reasoning they held. */
export function splitThinking(text: string): { readonly answer: string; readonly reasoning: string } {
  let rest = text;
  let reasoning = '';
  // A lone closing tag: the template opened the block in the prompt, so everything before it is reasoning.
  const lone = /^([\s\S]*?)<\/(think|thinking)>/i.exec(rest);
  if (lone && !OPEN.test(lone[1]!)) {
    reasoning += lone[1]!;
    rest = rest.slice(lone[0].length);
  }
  let answer = '';
  for (;;) {
    const open = OPEN.exec(rest);
    if (!open) {
      answer += rest;
      break;
    }
    answer += rest.slice(0, open.index);
    rest = rest.slice(open.index + open[0].length);
    const close = new RegExp(`</${open[1]}>`, 'i').exec(rest);
    if (!close) {
      reasoning += rest;
      break;
    }
    reasoning += rest.slice(0, close.index);
    rest = rest.slice(close.index + close[0].length);
  }
  return { answer: answer.replace(/^\s+/, ''), reasoning: reasoning.trim() };
}

/** Streamed text split as it arrives: answer deltas and reasoning deltas; a tag cut between chunks is held back. */
export class ThinkFilter {
  private inThink = false;
  private held = '';
  private started = false;

  push(delta: string): { answer: string; reasoning: string } {
    let text = this.held + delta;
    this.held = '';
    let answer = '';
    let reasoning = '';
    for (;;) {
      const tags = this.inThink ? CLOSE_TAGS : OPEN_TAGS;
      const lower = text.toLowerCase();
      let at = -1;
      let tag = '';
      for (const candidate of tags) {
        const index = lower.indexOf(candidate);
        if (index >= 0 && (at < 0 || index < at)) {
          at = index;
          tag = candidate;
        }
      }
      if (at < 0) {
        const keep = partialTagTail(lower, tags);
        const out = text.slice(0, text.length - keep);
        this.held = text.slice(text.length - keep);
        if (this.inThink) reasoning += out;
        else answer += out;
        break;
      }
      if (this.inThink) reasoning += text.slice(0, at);
      else answer += text.slice(0, at);
      this.inThink = !this.inThink;
      text = text.slice(at + tag.length);
    }
    // Answers start after the reasoning: no blank lines carried over from between the tags.
    if (!this.started) {
      answer = answer.replace(/^\s+/, '');
      if (answer) this.started = true;
    }
    return { answer, reasoning };
  }

  /** The end of the stream: a held partial tag is text after all. */
  end(): { answer: string; reasoning: string } {
    const rest = this.held;
    this.held = '';
    return this.inThink ? { answer: '', reasoning: rest } : { answer: rest, reasoning: '' };
  }

  get thinking(): boolean {
    return this.inThink;
  }
}

function partialTagTail(lower: string, tags: readonly string[]): number {
  for (let length = Math.min(lower.length, 12); length > 0; length--) {
    const tail = lower.slice(lower.length - length);
    if (tags.some((tag) => tag.startsWith(tail) && tail.length < tag.length)) return length;
  }
  return 0;
}
