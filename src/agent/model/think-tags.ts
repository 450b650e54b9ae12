/**
 * Splits model text into answer and reasoning: `<think>…</think>` and
 * `<thinking>…</thinking>` anywhere in the text (Qwen3, DeepSeek-R1 and others
 * through llama.cpp, LM Studio or older Ollama), an unclosed tag at the end of a
 * truncated answer, and tags split across streamed chunks. Incremental: `push`
 * what arrives, `end` when the answer is complete.
 */
export type TextSegment = { readonly kind: 'text' | 'reasoning'; readonly text: string };

const OPENING = ['<think>', '<thinking>'] as const;
const CLOSING: Record<string, string> = { '<think>': '</think>', '<thinking>': '</thinking>' };

export class ThinkTagSplitter {
  private buffer = '';
  private closing: string | undefined;
  /** Whitespace right after a reasoning block is not part of the answer. */
  private afterReasoning = false;

  push(chunk: string): TextSegment[] {
    this.buffer += chunk;
    const out: TextSegment[] = [];
    for (;;) {
      if (this.closing) {
        const at = this.buffer.indexOf(this.closing);
        if (at >= 0) {
          this.emit(out, 'reasoning', this.buffer.slice(0, at));
          this.buffer = this.buffer.slice(at + this.closing.length);
          this.closing = undefined;
          this.afterReasoning = true;
          continue;
        }
        const keep = partialSuffix(this.buffer, [this.closing]);
        this.emit(out, 'reasoning', this.buffer.slice(0, this.buffer.length - keep));
        this.buffer = this.buffer.slice(this.buffer.length - keep);
        return out;
      }
      const found = firstTag(this.buffer);
      if (found) {
        this.emit(out, 'text', this.buffer.slice(0, found.index));
        this.buffer = this.buffer.slice(found.index + found.tag.length);
        this.closing = CLOSING[found.tag];
        continue;
      }
      const keep = partialSuffix(this.buffer, OPENING);
      this.emit(out, 'text', this.buffer.slice(0, this.buffer.length - keep));
      this.buffer = this.buffer.slice(this.buffer.length - keep);
      return out;
    }
  }

  /** The rest: inside an unclosed tag it is reasoning (a truncated answer), else text. */
  end(): TextSegment[] {
    const out: TextSegment[] = [];
    this.emit(out, this.closing ? 'reasoning' : 'text', this.buffer);
    this.buffer = '';
    return out;
  }

  /** True while inside a reasoning block. */
  get reasoning(): boolean {
    return this.closing !== undefined;
  }

  private emit(out: TextSegment[], kind: TextSegment['kind'], text: string): void {
    let piece = text;
    if (kind === 'text' && this.afterReasoning) {
      piece = piece.replace(/^\s+/, '');
      if (piece) this.afterReasoning = false;
    }
    if (!piece) return;
    const last = out.at(-1);
    if (last && last.kind === kind) out[out.length - 1] = { kind, text: last.text + piece };
    else out.push({ kind, text: piece });
  }
}

/** The whole text at once: the answer without reasoning, and the reasoning (undefined when there was none). */
export function splitThinkTags(text: string): { text: string; reasoning?: string } {
  // Some chat templates put the opening tag in the prompt: the answer then starts with reasoning and only closes it.
  const closeOnly = /^([\s\S]*?)<\/think(?:ing)?>/.exec(text);
  if (closeOnly && !/<think(?:ing)?>/.test(closeOnly[1]!)) {
    const rest = splitThinkTags(text.slice(closeOnly[0].length).replace(/^\s+/, ''));
    const reasoning = [closeOnly[1]!.trim(), rest.reasoning].filter(Boolean).join('\n');
    return { text: rest.text, ...(reasoning ? { reasoning } : {}) };
  }
  const splitter = new ThinkTagSplitter();
  const segments = [...splitter.push(text), ...splitter.end()];
  const reasoning = segments.filter((segment) => segment.kind === 'reasoning').map((segment) => segment.text);
  const answer = segments.filter((segment) => segment.kind === 'text').map((segment) => segment.text).join('');
  return reasoning.length ? { text: answer, reasoning: reasoning.join('\n') } : { text: answer };
}

function firstTag(text: string): { index: number; tag: string } | undefined {
  let best: { index: number; tag: string } | undefined;
  for (const tag of OPENING) {
    const index = text.indexOf(tag);
    if (index >= 0 && (!best || index < best.index)) best = { index, tag };
  }
  return best;
}

/** How many characters at the end of `text` could be the start of one of `tags` (kept back until the next chunk). */
function partialSuffix(text: string, tags: readonly string[]): number {
  let longest = 0;
  for (const tag of tags) {
    for (let length = Math.min(tag.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(tag.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
