type Delta = Record<string, unknown> & { content?: unknown; tool_calls?: unknown; reasoning_content?: unknown; reasoning?: unknown };
type Chunk = { choices?: { delta?: Delta; finish_reason?: string | null }[] };

/**
 * Reasoning streamed beside the answer (`reasoning_content`: DeepSeek, vLLM; `reasoning`: Ollama)
 * carried in the content as a `<think>` block, which the reasoning middleware turns back into
 * reasoning parts as it arrives. Why at the wire: @ai-sdk/openai holds the whole stream until
 * its first content or tool-call chunk, so a model thinking for a minute showed nothing of it
 * and looked hung; a `<think>` block in the content is output from its first chunk.
 */
export class FieldReasoningAsContent {
  private inBlock = false;

  /** A `<think>` block is open: every chunk is looked at until it closes. */
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
      before = `${this.inBlock ? '' : '<think>'}${reasoning}`;
      this.inBlock = true;
    }
    const content = typeof delta.content === 'string' ? delta.content : '';
    // The answer, a tool call or the end closes the reasoning.
    const ends = content !== '' || (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) || choice.finish_reason != null;
    if (this.inBlock && ends) {
      before += '</think>';
      this.inBlock = false;
    }
    if (before === '') return hadField;
    delta.content = `${before}${content}`;
    choice.delta = delta;
    return true;
  }
}

function fieldText(delta: Delta): string | undefined {
  const value = typeof delta.reasoning_content === 'string' && delta.reasoning_content ? delta.reasoning_content : delta.reasoning;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
