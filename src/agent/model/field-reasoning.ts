type Delta = Record<string, unknown> & { content?: unknown; tool_calls?: unknown; reasoning_content?: unknown; reasoning?: unknown };
type Chunk = { choices?: { delta?: Delta; finish_reason?: string | null }[] };

/**
 * Marks reasoning carried in the content: strings of private-use characters and a name that no
 * model writes (a lone private-use character may be an icon font's glyph), and, unlike a `<think>`
 * tag, nothing in the reasoning's own text can close the block early. Each is put whole into one
 * delta, so it is never split across chunks.
 */
export const FIELD_REASONING_START = '\uE000ksa-reasoning\uE001';
export const FIELD_REASONING_END = '\uE001ksa-reasoning\uE000';
const MARKERS = /\uE000ksa-reasoning\uE001|\uE001ksa-reasoning\uE000/g;

/**
 * Reasoning streamed beside the answer (`reasoning_content`: DeepSeek, vLLM; `reasoning`: Ollama)
 * carried in the content between FIELD_REASONING_START and _END, which the reasoning middleware
 * turns back into reasoning parts as they arrive. Why at the wire: @ai-sdk/openai holds the
 * whole stream until its first content or tool-call chunk, so a model thinking for a minute
 * showed nothing of it and looked hung; content is output from its first chunk.
 */
export class FieldReasoningAsContent {
  private inBlock = false;

  /** A block is open: every chunk is looked at until it closes. */
  get open(): boolean {
    return this.inBlock;
  }

  /** True when it changed the chunk (the reasoning moved into the content, or its block closed). */
  rewrite(chunk: Chunk): boolean {
    const choice = chunk.choices?.[0];
    if (!choice) return false;
    const delta = choice.delta ?? {};
    const reasoning = fieldText(delta);
    const hadField = 'reasoning_content' in delta || 'reasoning' in delta;
    delete delta.reasoning_content;
    delete delta.reasoning;
    let before = '';
    if (reasoning !== undefined) {
      before = `${this.inBlock ? '' : FIELD_REASONING_START}${reasoning.replace(MARKERS, '')}`;
      this.inBlock = true;
    }
    const content = typeof delta.content === 'string' ? delta.content : '';
    // The answer, a tool call or the end closes the reasoning.
    const ends = content !== '' || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) || choice.finish_reason != null;
    if (this.inBlock && ends) {
      before += FIELD_REASONING_END;
      this.inBlock = false;
    }
    if (before === '') return hadField;
    delta.content = `${before}${content.replace(MARKERS, '')}`;
    choice.delta = delta;
    return true;
  }
}

/** Text of a content delta split at the markers: reasoning parts and answer parts, in order; `inside` says where it starts. */
export function splitFieldReasoning(text: string, inside: boolean): { readonly parts: readonly { readonly reasoning: boolean; readonly text: string }[]; readonly inside: boolean } {
  const parts: { reasoning: boolean; text: string }[] = [];
  let rest = text;
  let within = inside;
  while (rest !== '') {
    const at = rest.indexOf(within ? FIELD_REASONING_END : FIELD_REASONING_START);
    const piece = at < 0 ? rest : rest.slice(0, at);
    if (piece !== '') parts.push({ reasoning: within, text: piece });
    if (at < 0) break;
    within = !within;
    rest = rest.slice(at + FIELD_REASONING_START.length);
  }
  return { parts, inside: within };
}

function fieldText(delta: Delta): string | undefined {
  const value = typeof delta.reasoning_content === 'string' && delta.reasoning_content ? delta.reasoning_content : delta.reasoning;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
