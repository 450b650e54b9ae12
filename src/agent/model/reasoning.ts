import type { LanguageModelMiddleware } from 'ai';
import { splitFieldReasoning } from './field-reasoning.js';
import { splitThinkTags, ThinkTagSplitter } from './think-tags.js';

type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;
type StreamResult = Awaited<ReturnType<WrapStream>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
type CallParams = Parameters<WrapStream>[0]['params'];

/**
 * Reasoning ("thinking") output is never part of the answer. It arrives as
 * `<think>…</think>` / `<thinking>…</thinking>` in the content, or in a
 * separate `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Ollama ≥ 0.12)
 * field of the message or stream delta. Both become the AI SDK's reasoning
 * parts, so a terminal can show "thinking…" and JSON extraction only sees the
 * answer.
 *
 * Why not the library's pieces: @ai-sdk/openai 4's chat model drops both
 * fields (its response schema has no such keys; the raw body and raw chunks
 * still carry them), and `extractReasoningMiddleware` takes one tag name and
 * keeps an unclosed tag (a truncated answer) in the text of a non-streamed answer.
 */
export function reasoningMiddleware(): LanguageModelMiddleware {
  const callerWantsRaw = new WeakSet<object>();
  return {
    transformParams: async ({ type, params }) => {
      if (type !== 'stream') return params;
      const next = { ...params, includeRawChunks: true };
      if (params.includeRawChunks) callerWantsRaw.add(next);
      return next;
    },
    wrapGenerate: async ({ doGenerate }) => {
      const result = await doGenerate();
      const content: typeof result.content = [];
      const field = reasoningField((result.response?.body as RawCompletion | undefined)?.choices?.[0]?.message);
      if (field && !result.content.some((part) => part.type === 'reasoning')) content.push({ type: 'reasoning', text: field });
      for (const part of result.content) {
        if (part.type !== 'text') {
          content.push(part);
          continue;
        }
        const split = splitThinkTags(part.text);
        if (split.reasoning !== undefined) content.push({ type: 'reasoning', text: split.reasoning });
        content.push({ ...part, text: split.text });
      }
      return {
        ...result,
        content,
        ...(result.structuredOutputText != null ? { structuredOutputText: splitThinkTags(result.structuredOutputText).text } : {}),
      };
    },
    wrapStream: async ({ doStream, params }) => {
      const { stream, ...rest } = await doStream();
      return { stream: stream.pipeThrough(reasoningTransform(callerWantsRaw.has(params as CallParams & object))), ...rest };
    },
  };
}

type RawMessage = { readonly reasoning_content?: unknown; readonly reasoning?: unknown };
type RawCompletion = { readonly choices?: readonly { readonly message?: RawMessage; readonly delta?: RawMessage }[] };

function reasoningField(message: RawMessage | undefined): string | undefined {
  if (!message) return undefined;
  const value = typeof message.reasoning_content === 'string' && message.reasoning_content ? message.reasoning_content : message.reasoning;
  return typeof value === 'string' && value ? value : undefined;
}

function reasoningTransform(keepRaw: boolean): TransformStream<StreamPart, StreamPart> {
  let counter = 0;
  /** The open reasoning block fed by `reasoning_content` / `reasoning` deltas. */
  let fieldBlock: string | undefined;
  const texts = new Map<string, { splitter: ThinkTagSplitter; start: StreamPart; started: boolean; block?: string }>();

  /** Inside reasoning that came in the content between the field markers. */
  let inField = false;
  const fieldDelta = (controller: TransformStreamDefaultController<StreamPart>, delta: string) => {
    if (!fieldBlock) {
      fieldBlock = `reasoning-field-${counter++}`;
      controller.enqueue({ type: 'reasoning-start', id: fieldBlock });
    }
    controller.enqueue({ type: 'reasoning-delta', id: fieldBlock, delta });
  };

  const closeField = (controller: TransformStreamDefaultController<StreamPart>) => {
    if (fieldBlock) controller.enqueue({ type: 'reasoning-end', id: fieldBlock });
    fieldBlock = undefined;
  };

  const publish = (controller: TransformStreamDefaultController<StreamPart>, id: string, segments: ReturnType<ThinkTagSplitter['push']>) => {
    const state = texts.get(id)!;
    for (const segment of segments) {
      if (segment.kind === 'reasoning') {
        if (!state.block) {
          state.block = `reasoning-tag-${counter++}`;
          controller.enqueue({ type: 'reasoning-start', id: state.block });
        }
        controller.enqueue({ type: 'reasoning-delta', id: state.block, delta: segment.text });
        continue;
      }
      if (state.block) {
        controller.enqueue({ type: 'reasoning-end', id: state.block });
        state.block = undefined;
      }
      if (!state.started) {
        controller.enqueue(state.start);
        state.started = true;
      }
      controller.enqueue({ type: 'text-delta', id, delta: segment.text });
    }
    // A closing tag seen in this chunk ends the block even before any answer text arrives.
    if (state.block && !state.splitter.reasoning) {
      controller.enqueue({ type: 'reasoning-end', id: state.block });
      state.block = undefined;
    }
  };

  return new TransformStream<StreamPart, StreamPart>({
    transform(part, controller) {
      switch (part.type) {
        case 'raw': {
          const delta = reasoningField((part.rawValue as RawCompletion | undefined)?.choices?.[0]?.delta);
          if (delta) fieldDelta(controller, delta);
          if (keepRaw) controller.enqueue(part);
          return;
        }
        case 'text-start':
          texts.set(part.id, { splitter: new ThinkTagSplitter(), start: part, started: false });
          return;
        case 'text-delta': {
          if (!part.delta) return;
          // Reasoning the wire carried in the content (stream-repair) is reasoning whatever its text says.
          const split = splitFieldReasoning(part.delta, inField);
          inField = split.inside;
          for (const piece of split.parts) {
            if (piece.reasoning) {
              fieldDelta(controller, piece.text);
              continue;
            }
            closeField(controller);
            if (!texts.has(part.id)) texts.set(part.id, { splitter: new ThinkTagSplitter(), start: { type: 'text-start', id: part.id }, started: false });
            publish(controller, part.id, texts.get(part.id)!.splitter.push(piece.text));
          }
          if (!inField) closeField(controller);
          return;
        }
        case 'text-end': {
          const state = texts.get(part.id);
          if (state) {
            publish(controller, part.id, state.splitter.end());
            if (state.block) controller.enqueue({ type: 'reasoning-end', id: state.block });
            if (state.started) controller.enqueue(part);
            texts.delete(part.id);
            return;
          }
          controller.enqueue(part);
          return;
        }
        case 'tool-input-start':
        case 'tool-call':
        case 'finish':
          closeField(controller);
          controller.enqueue(part);
          return;
        default:
          controller.enqueue(part);
      }
    },
    flush(controller) {
      closeField(controller);
      for (const [id, state] of texts) {
        publish(controller, id, state.splitter.end());
        if (state.block) controller.enqueue({ type: 'reasoning-end', id: state.block });
      }
    },
  });
}
