import { simulateReadableStream } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';

/** MockLanguageModelV4 helpers for the agent's unit tests: scripted answers, recorded prompts. */

type GenerateResult = Awaited<ReturnType<MockLanguageModelV4['doGenerate']>>;
type StreamResult = Awaited<ReturnType<MockLanguageModelV4['doStream']>>;
type CallOptions = MockLanguageModelV4['doGenerateCalls'][number];
export type StreamPart = StreamResult['stream'] extends ReadableStream<infer T> ? T : never;

export const USAGE = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/** A doGenerate answer whose text is `text`. */
export function textAnswer(text: string): GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage: USAGE, warnings: [] };
}

export type Scripted = string | Error | ((options: CallOptions) => string | Promise<string>);

/**
 * A model that answers doGenerate calls in order (text, a thrown error, or a
 * function of the call); after the script ends it repeats the last entry.
 */
export function scriptedModel(script: readonly Scripted[]): MockLanguageModelV4 {
  let call = 0;
  return new MockLanguageModelV4({
    doGenerate: async (options) => {
      // Like a real provider (fetch): an aborted signal fails the call.
      options.abortSignal?.throwIfAborted();
      const entry = script[Math.min(call++, script.length - 1)]!;
      if (entry instanceof Error) throw entry;
      return textAnswer(typeof entry === 'function' ? await entry(options) : entry);
    },
  });
}

/** The text of one call's prompt (all messages), for `toContain` checks. */
export function promptText(options: CallOptions): string {
  return options.prompt
    .map((message) => {
      if (typeof message.content === 'string') return `${message.role}: ${message.content}`;
      const parts = message.content.map((part) => {
        if (part.type === 'text') return part.text;
        if (part.type === 'tool-call') return `[tool-call ${part.toolName} ${JSON.stringify(part.input)}]`;
        if (part.type === 'tool-result') return `[tool-result ${part.toolName} ${JSON.stringify(part.output)}]`;
        return `[${part.type}]`;
      });
      return `${message.role}: ${parts.join('')}`;
    })
    .join('\n');
}

/** The last user message of a call's prompt. */
export function lastUserPrompt(options: CallOptions): string {
  const user = options.prompt.filter((message) => message.role === 'user').at(-1);
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : user.content.map((part) => ('text' in part ? part.text : '')).join('');
}

export type StreamTurn = {
  /** Reasoning parts streamed before the text (as a provider's reasoning middleware yields them). */
  readonly reasoning?: string;
  readonly text?: string;
  readonly toolCalls?: readonly { readonly id?: string; readonly name: string; readonly input: Record<string, unknown> }[];
  /** Milliseconds before the first chunk. */
  readonly delayMs?: number;
};

/** The stream parts of one model turn: text deltas, then complete tool calls, then finish. */
export function streamParts(turn: StreamTurn, index = 0): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  if (turn.reasoning) {
    parts.push({ type: 'reasoning-start', id: `r${index}` });
    for (const piece of turn.reasoning.match(/.{1,5}/gs) ?? []) parts.push({ type: 'reasoning-delta', id: `r${index}`, delta: piece });
    parts.push({ type: 'reasoning-end', id: `r${index}` });
  }
  if (turn.text) {
    parts.push({ type: 'text-start', id: `t${index}` });
    for (const piece of turn.text.match(/.{1,5}/gs) ?? []) parts.push({ type: 'text-delta', id: `t${index}`, delta: piece });
    parts.push({ type: 'text-end', id: `t${index}` });
  }
  turn.toolCalls?.forEach((call, n) => {
    parts.push({ type: 'tool-call', toolCallId: call.id ?? `call-${index}-${n}`, toolName: call.name, input: JSON.stringify(call.input) });
  });
  parts.push({ type: 'finish', finishReason: { unified: turn.toolCalls?.length ? 'tool-calls' : 'stop', raw: undefined }, usage: USAGE });
  return parts;
}

/** A model whose doStream answers each call with the next turn (the last one repeats). */
export function streamingModel(turns: readonly StreamTurn[], generate: readonly Scripted[] = []): MockLanguageModelV4 {
  let call = 0;
  let generateCall = 0;
  return new MockLanguageModelV4({
    doStream: async () => {
      const index = Math.min(call++, turns.length - 1);
      const turn = turns[index]!;
      return { stream: simulateReadableStream({ chunks: streamParts(turn, index), initialDelayInMs: turn.delayMs ?? 0, chunkDelayInMs: 0 }) };
    },
    doGenerate: async (options) => {
      const entry = generate[Math.min(generateCall++, generate.length - 1)];
      if (entry === undefined) throw new Error('no scripted doGenerate answer');
      if (entry instanceof Error) throw entry;
      return textAnswer(typeof entry === 'function' ? await entry(options) : entry);
    },
  });
}
