import { APICallError } from 'ai';
import { FieldReasoningAsContent } from './field-reasoning.js';

/**
 * Streamed completions as OpenAI-compatible servers really send them, made into what the SDK
 * reads, at the wire (every caller streams through this: the chat, `ksa ask`, the probes):
 * - a 400 for `stream_options` (Azure, one-api/new-api proxies) is asked again without them;
 * - a server that ignores `stream: true` and answers one JSON completion has it replayed as a stream;
 * - a 200 that is neither (a proxy's sign-in page) fails with the server's words, not as an empty answer;
 * - tool-call deltas without `index` (Gemini's endpoint, SGLang, SambaNova) get one, by call id;
 * - tool-call arguments sent as a JSON object, not the string OpenAI sends, are written as that string;
 * - reasoning in `reasoning_content` / `reasoning` deltas goes into the content between markers,
 *   so it is seen as it comes (see FieldReasoningAsContent);
 * - a stream that ends with neither a finish reason nor `[DONE]` (a proxy that closed it mid-answer)
 *   fails as cut off instead of passing for a whole answer.
 */
export function streamRepairingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const request = streamedRequest(init);
    if (!request) return inner(input, init);
    let response = await inner(input, init);
    if (response.status === 400 && request.stream_options !== undefined) {
      const text = await response.text();
      if (!/stream_options/i.test(text)) return new Response(text, response);
      const { stream_options: _dropped, ...rest } = request;
      response = await inner(input, { ...init, body: JSON.stringify(rest) });
    }
    if (!response.ok || !response.body) return response;
    if (/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      return new Response(response.body.pipeThrough(repairEvents()), response);
    }
    const text = await response.text();
    const completion = completionOf(text);
    if (completion) return new Response(completionAsEvents(completion), { status: response.status, headers: { 'content-type': 'text/event-stream' } });
    if (/^\s*data:/.test(text)) return new Response(new Blob([text]).stream().pipeThrough(repairEvents()), { status: response.status, headers: { 'content-type': 'text/event-stream' } });
    throw new APICallError({
      message: 'the answer is not a stream of completion chunks',
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      requestBodyValues: request,
      statusCode: response.status,
      responseHeaders: Object.fromEntries(response.headers.entries()),
      responseBody: text,
      isRetryable: false,
    });
  };
}

/** The answer stream stopped before the model said it had finished. */
export class StreamCutError extends Error {
  constructor() {
    super('the answer stream ended mid-answer (no finish reason and no [DONE]): the connection was closed before the model finished; try again');
    this.name = 'StreamCutError';
  }
}

type StreamRequest = Record<string, unknown> & { stream_options?: unknown };

function streamedRequest(init: RequestInit | undefined): StreamRequest | undefined {
  if (typeof init?.body !== 'string' || !init.body.includes('"stream":true')) return undefined;
  try {
    const body = JSON.parse(init.body) as unknown;
    return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true ? (body as StreamRequest) : undefined;
  } catch {
    return undefined;
  }
}

type ToolCallDelta = { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: unknown } };

/** Arguments as an object (some servers send them so): the JSON text the SDK reads. True when changed. */
function argumentsAsText(call: ToolCallDelta): boolean {
  const args = call.function?.arguments;
  if (args === undefined || args === null || typeof args === 'string') return false;
  call.function!.arguments = JSON.stringify(args);
  return true;
}
type Choice = { index?: number; delta?: { tool_calls?: ToolCallDelta[] }; finish_reason?: string | null };

/** SSE events, line by line: tool-call deltas given an index, and the end of the stream checked. */
function repairEvents(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  let finished = false;
  const indexById = new Map<string, number>();
  let lastIndex = -1;
  const reasoning = new FieldReasoningAsContent();
  const repairLine = (line: string): string => {
    const data = /^data:\s?(.*)$/.exec(line)?.[1];
    if (data === undefined) return line;
    if (data.trim() === '[DONE]') {
      finished = true;
      return line;
    }
    // A finish reason ends the answer; an error frame ends it too, in the server's words.
    if (data.includes('"finish_reason":"') || data.includes('"finish_reason": "') || /^\s*\{\s*"error"/.test(data)) finished = true;
    const calls = data.includes('"tool_calls"');
    if (!calls && !reasoning.open && !data.includes('"reasoning')) return line;
    try {
      const chunk = JSON.parse(data) as { choices?: Choice[] };
      let changed = reasoning.rewrite(chunk);
      if (calls) for (const choice of chunk.choices ?? []) {
        for (const call of choice.delta?.tool_calls ?? []) {
          changed = argumentsAsText(call) || changed;
          if (typeof call.index === 'number') {
            lastIndex = Math.max(lastIndex, call.index);
            if (call.id) indexById.set(call.id, call.index);
            continue;
          }
          // A new id is a new call; a delta without one goes on with the last call.
          const known = call.id === undefined ? undefined : indexById.get(call.id);
          call.index = known ?? (call.id === undefined ? Math.max(lastIndex, 0) : ++lastIndex);
          if (call.id !== undefined) indexById.set(call.id, call.index);
          changed = true;
        }
      }
      return changed ? `data: ${JSON.stringify(chunk)}` : line;
    } catch {
      return line;
    }
  };
  return new TransformStream({
    transform(bytes, controller) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      controller.enqueue(encoder.encode(lines.map((line) => repairLine(line.replace(/\r$/, ''))).join('\n') + '\n'));
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending !== '') controller.enqueue(encoder.encode(`${repairLine(pending)}\n`));
      if (!finished) controller.error(new StreamCutError());
    },
  });
}

type Completion = { id?: string; created?: number; model?: string; usage?: unknown; choices: { index?: number; message?: Record<string, unknown>; finish_reason?: string | null }[] };

function completionOf(text: string): Completion | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Completion>;
    return Array.isArray(parsed.choices) && parsed.choices.every((choice) => typeof choice === 'object' && choice !== null && 'message' in choice) ? (parsed as Completion) : undefined;
  } catch {
    return undefined;
  }
}

/** One JSON completion as the stream a streaming server would have sent: one chunk per choice, then [DONE]. */
function completionAsEvents(completion: Completion): ReadableStream<Uint8Array> {
  const base = { id: completion.id ?? 'chatcmpl-replayed', object: 'chat.completion.chunk', created: completion.created ?? Math.floor(Date.now() / 1000), model: completion.model ?? '' };
  const events = completion.choices.map((choice, i) => {
    const { tool_calls: calls, ...message } = choice.message ?? {};
    const toolCalls = Array.isArray(calls)
      ? (calls as ToolCallDelta[]).map((call, index) => {
          const copy = { ...call, ...(call.function ? { function: { ...call.function } } : {}), index };
          argumentsAsText(copy);
          return copy;
        })
      : undefined;
    const delta = { ...message, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
    return { ...base, choices: [{ index: choice.index ?? i, delta, finish_reason: choice.finish_reason ?? 'stop' }], ...(completion.usage ? { usage: completion.usage } : {}) };
  });
  const text = `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: [DONE]\n\n`;
  return new Blob([text]).stream();
}
