import type { LanguageModelMiddleware } from 'ai';
import { cutTextToolCall, parseTextToolCalls } from './text-tool-calls.js';

type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;
type StreamResult = Awaited<ReturnType<WrapStream>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer T> ? T : never;
type WrapGenerate = NonNullable<LanguageModelMiddleware['wrapGenerate']>;
type GenerateResult = Awaited<ReturnType<WrapGenerate>>;
type Content = GenerateResult['content'][number];

/** Where a written tool call may begin: a tag or marker, a fence, or a JSON object at the start of a line. */
const CANDIDATE = /<tool_call>|\[TOOL_CALLS\]|<\|python_tag\|>|```|\n[ \t]*[{[]/;
const MARKERS = ['<tool_call>', '[tool_calls]', '<|python_tag|>', '```'];

let callSeq = 0;
const newCallId = () => `text_call_${Date.now().toString(36)}_${++callSeq}`;

/**
 * When the request offers tools and the answer writes a call as text (the
 * server did not parse it), the call becomes a real tool call: the AI SDK then
 * validates it like any other (an unknown name goes back to the model as an
 * error, never executed). Text that may be a call is held back until the
 * answer ends; the rest streams as it comes. A written call the output limit
 * cut before its JSON was complete is dropped and its function named to `onCut`,
 * as a native call cut mid-arguments is: half a call is neither a call nor an answer.
 */
export function textToolCallMiddleware(onCut?: (tool: string) => void): LanguageModelMiddleware {
  return {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate, params }) => {
      const result = await doGenerate();
      const names = toolNames(params.tools);
      if (!names.length || result.content.some((part) => part.type === 'tool-call')) return result;
      const text = result.content.filter((part) => part.type === 'text').map((part) => (part as { text: string }).text).join('');
      const parsed = parseTextToolCalls(text, names);
      const cut = !parsed.calls.length && onCut && result.finishReason.unified === 'length' ? cutTextToolCall(text, names) : undefined;
      if (cut) {
        onCut!(cut.name);
        const content: Content[] = result.content.filter((part) => part.type !== 'text');
        if (cut.text) content.unshift({ type: 'text', text: cut.text });
        return { ...result, content };
      }
      if (!parsed.calls.length) return result;
      const content: Content[] = result.content.filter((part) => part.type !== 'text');
      if (parsed.text) content.unshift({ type: 'text', text: parsed.text });
      for (const call of parsed.calls) content.push({ type: 'tool-call', toolCallId: newCallId(), toolName: call.name, input: call.input });
      return { ...result, content, finishReason: { unified: 'tool-calls', raw: result.finishReason.raw } };
    },
    wrapStream: async ({ doStream, params }) => {
      const result = await doStream();
      const names = toolNames(params.tools);
      if (!names.length) return result;
      return { ...result, stream: result.stream.pipeThrough(textCallTransform(names, onCut)) };
    },
  };
}

function toolNames(tools: readonly { readonly type: string; readonly name: string }[] | undefined): string[] {
  return (tools ?? []).filter((tool) => tool.type === 'function').map((tool) => tool.name);
}

function textCallTransform(names: readonly string[], onCut: ((tool: string) => void) | undefined): TransformStream<StreamPart, StreamPart> {
  let textId: string | undefined;
  let pending = '';
  let held = '';
  let capturing = false;
  let inThink = false;
  let lineStart = true;
  let nativeCalls = false;
  const emitted: StreamPart[] = [];

  const emitText = (controller: TransformStreamDefaultController<StreamPart>, delta: string) => {
    if (!delta) return;
    controller.enqueue({ type: 'text-delta', id: textId ?? 'text', delta });
    lineStart = delta.endsWith('\n');
  };

  return new TransformStream<StreamPart, StreamPart>({
    transform(part, controller) {
      if (part.type === 'tool-call' || part.type === 'tool-input-start') nativeCalls = true;
      if (part.type === 'text-start') {
        textId ??= part.id;
        controller.enqueue(part);
        return;
      }
      if (part.type === 'text-end') {
        // Ended later, once it is known whether the held text is a call.
        if (!capturing && !pending) controller.enqueue(part);
        else emitted.push(part);
        return;
      }
      if (part.type === 'finish') {
        const calls = capturing && !nativeCalls ? parseTextToolCalls(held, names) : undefined;
        if (calls?.calls.length) {
          emitText(controller, pending);
          emitText(controller, calls.text ? `${calls.text}` : '');
          for (const ended of emitted) controller.enqueue(ended);
          for (const call of calls.calls) controller.enqueue({ type: 'tool-call', toolCallId: newCallId(), toolName: call.name, input: call.input });
          controller.enqueue({ ...part, finishReason: { unified: 'tool-calls', raw: part.finishReason.raw } });
          return;
        }
        const cut = capturing && !nativeCalls && onCut && part.finishReason.unified === 'length' ? cutTextToolCall(held, names) : undefined;
        if (cut) {
          onCut!(cut.name);
          emitText(controller, pending);
          emitText(controller, cut.text);
          for (const ended of emitted) controller.enqueue(ended);
          controller.enqueue(part);
          return;
        }
        emitText(controller, pending + held);
        for (const ended of emitted) controller.enqueue(ended);
        controller.enqueue(part);
        return;
      }
      if (part.type !== 'text-delta') {
        controller.enqueue(part);
        return;
      }
      if (capturing) {
        held += part.delta;
        const fence = /^```[^\n]*\n[\s\S]*?```/.exec(held);
        if (!fence || parseTextToolCalls(fence[0], names).calls.length) return;
        // A code block that is no call is shown at once; what follows is scanned again.
        emitText(controller, fence[0]);
        pending = held.slice(fence[0].length);
        held = '';
        capturing = false;
      } else {
        pending += part.delta;
      }
      // Reasoning written in the text may quote JSON: it never starts a capture.
      for (;;) {
        if (inThink) {
          const close = /<\/think(?:ing)?>/i.exec(pending);
          if (!close) {
            const keep = Math.min(pending.length, 11);
            emitText(controller, pending.slice(0, pending.length - keep));
            pending = pending.slice(pending.length - keep);
            return;
          }
          emitText(controller, pending.slice(0, close.index + close[0].length));
          pending = pending.slice(close.index + close[0].length);
          inThink = false;
          continue;
        }
        const think = /<think(?:ing)?>/i.exec(pending);
        const candidate = CANDIDATE.exec((lineStart ? '\n' : '') + pending);
        const candidateAt = candidate ? candidate.index + (candidate[0].startsWith('\n') ? 1 : 0) - (lineStart ? 1 : 0) : -1;
        if (think && (candidateAt < 0 || think.index < candidateAt)) {
          emitText(controller, pending.slice(0, think.index + think[0].length));
          pending = pending.slice(think.index + think[0].length);
          inThink = true;
          continue;
        }
        if (candidateAt >= 0) {
          emitText(controller, pending.slice(0, candidateAt));
          held = pending.slice(candidateAt);
          pending = '';
          capturing = true;
          return;
        }
        const keep = partialMarker(pending);
        emitText(controller, pending.slice(0, pending.length - keep));
        pending = pending.slice(pending.length - keep);
        return;
      }
    },
  });
}

/** The length of a tail that may be the start of a marker or a think tag cut between chunks. */
function partialMarker(text: string): number {
  const lower = text.toLowerCase();
  for (let length = Math.min(lower.length, 14); length > 0; length--) {
    const tail = lower.slice(lower.length - length);
    if ([...MARKERS, '<think>', '<thinking>'].some((marker) => marker.startsWith(tail) && tail.length < marker.length)) return length;
  }
  return 0;
}
