import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './local-server.js';
import type { ModelConfig } from '../../src/agent/index.js';

/**
 * A fake OpenAI-compatible Chat Completions server on 127.0.0.1 (a real
 * node:http server, port 0) for tests over real HTTP. It answers
 * `POST /v1/chat/completions` with scripted replies, as JSON or, when the
 * request says `stream: true`, as SSE chunks in the format
 * @ai-sdk/openai parses (openaiChatChunkSchema in its dist): `choices[0].delta`
 * text, `tool_calls` deltas split across chunks (the first carries index, id,
 * type and name; later ones only index and a slice of the arguments), a
 * finish chunk, a usage chunk and `data: [DONE]`. Every request is recorded.
 */

export type FakeToolCall = {
  readonly id?: string;
  readonly name: string;
  /** A JSON string as the model would send it, or a value to serialise. */
  readonly arguments: string | Record<string, unknown>;
};

export type FakeReply = {
  /** The assistant's text (`message.content`). */
  readonly text?: string;
  readonly toolCalls?: readonly FakeToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  readonly finishReason?: string;
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
  /** An error answer: this HTTP status with an OpenAI-style `{ error: { message, type, code } }` body. */
  readonly status?: number;
  readonly error?: string | { readonly message: string; readonly type?: string; readonly code?: string | number };
  /** A body sent as is (e.g. an HTML error page); with `status` or 200. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Streamed replies only: wait this long between chunks (to watch a slow answer arrive). */
  readonly chunkDelayMs?: number;
  /** Never answer: the request stays open until the client gives up or the server closes. */
  readonly hang?: boolean;
  /** Characters per streamed text or argument chunk (default 7), so deltas really are split. */
  readonly chunkSize?: number;
  /** Reasoning sent beside the answer, in `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Ollama ≥ 0.12); streamed before the text. */
  readonly reasoning?: { readonly field: 'reasoning_content' | 'reasoning'; readonly text: string };
  /** Streamed replies only: after the text, an error frame (`data: { error }`) ends the stream, as vLLM and llama.cpp send mid-stream failures. */
  readonly streamError?: { readonly message: string; readonly type?: string; readonly code?: string | number };
};

export type ChatRequestBody = {
  readonly model: string;
  readonly messages: readonly ChatRequestMessage[];
  readonly stream?: boolean;
  readonly tools?: readonly { readonly type: string; readonly function: { readonly name: string; readonly description?: string; readonly parameters?: unknown } }[];
  readonly response_format?: { readonly type: string; readonly json_schema?: { readonly name?: string; readonly strict?: boolean; readonly schema?: unknown } };
  readonly [key: string]: unknown;
};

export type ChatRequestMessage = {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content?: string | null | readonly { readonly type: string; readonly text?: string }[];
  readonly tool_calls?: readonly { readonly id: string; readonly type: string; readonly function: { readonly name: string; readonly arguments: string } }[];
  readonly tool_call_id?: string;
};

export type RecordedRequest = {
  readonly index: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body (`undefined` when it was not JSON). */
  readonly body: ChatRequestBody;
  readonly rawBody: string;
};

export type ReplyFunction = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export type FakeOpenAIServer = {
  /** `http://127.0.0.1:PORT/v1`, what OPENAI_BASE_URL is set to. */
  readonly baseURL: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Queues replies, answered in order; a function is called with the request it answers. */
  enqueue(...replies: (FakeReply | ReplyFunction)[]): void;
  /** Answers every request once the queue is empty (default: a 500 saying the script ran out). */
  setFallback(reply: FakeReply | ReplyFunction | undefined): void;
  /** Scripted replies not used yet. */
  pending(): number;
  /** Forgets the queue, the fallback and the request log. */
  reset(): void;
  close(): Promise<void>;
};

const MODEL_ECHO = 'fake-model';

export async function startFakeOpenAI(): Promise<FakeOpenAIServer> {
  const queue: (FakeReply | ReplyFunction)[] = [];
  const requests: RecordedRequest[] = [];
  let fallback: FakeReply | ReplyFunction | undefined;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake server crashed: ${String(error)}`, type: 'server_error' } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: ChatRequestBody;
    try {
      body = JSON.parse(rawBody) as ChatRequestBody;
    } catch {
      body = undefined as unknown as ChatRequestBody;
    }
    const request: RecordedRequest = { index: requests.length, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, rawBody };
    requests.push(request);

    if (req.method !== 'POST' || !/^\/v1\/chat\/completions\/?(\?.*)?$/.test(req.url ?? '')) {
      return sendError(res, { status: 404, error: { message: `Invalid URL (${req.method} ${req.url})`, type: 'invalid_request_error' } });
    }
    const next = queue.shift() ?? fallback ?? { status: 500, error: { message: `fake server: no scripted reply for request ${request.index}`, type: 'server_error' } };
    const reply = typeof next === 'function' ? await next(request) : next;

    if (reply.hang) {
      // Keep the socket open; the client's timeout or abort ends it, or close() does.
      return;
    }
    if (reply.delayMs) await sleepUnlessClosed(reply.delayMs, res);
    if (res.destroyed) return;
    if (reply.status !== undefined && reply.status >= 400) return sendError(res, reply);
    if (reply.rawBody !== undefined) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'text/html', ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    if (body?.stream) return sendStream(res, reply);
    return sendJson(res, reply);
  }

  const port = await listenLocal(server);

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    setFallback: (reply) => void (fallback = reply),
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = undefined;
    },
    close: () => closeServer(server),
  };
}

function sleepUnlessClosed(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}

function sendError(res: ServerResponse, reply: FakeReply): void {
  const error = typeof reply.error === 'string' ? { message: reply.error } : (reply.error ?? { message: `error ${reply.status}` });
  res.writeHead(reply.status!, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.rawBody ?? JSON.stringify({ error: { type: 'invalid_request_error', code: null, param: null, ...error } }));
}

const usageOf = (reply: FakeReply) => {
  const usage = reply.usage ?? { prompt_tokens: 11, completion_tokens: 7 };
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
};

const finishOf = (reply: FakeReply) => reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');

const argumentsOf = (call: FakeToolCall) => (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments));

let callCounter = 0;
const callIdOf = (call: FakeToolCall) => call.id ?? `call_${(++callCounter).toString().padStart(4, '0')}`;

function sendJson(res: ServerResponse, reply: FakeReply): void {
  const toolCalls = reply.toolCalls?.map((call) => ({ id: callIdOf(call), type: 'function', function: { name: call.name, arguments: argumentsOf(call) } }));
  const completion = {
    id: `chatcmpl-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: MODEL_ECHO,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: reply.text ?? null, ...(reply.reasoning ? { [reply.reasoning.field]: reply.reasoning.text } : {}), ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishOf(reply),
        logprobs: null,
      },
    ],
    usage: usageOf(reply),
  };
  res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(completion));
}

/** Splits text into pieces of `size` characters (at least one piece, possibly empty). */
export function splitText(text: string, size: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sendStream(res: ServerResponse, reply: FakeReply): void {
  const id = `chatcmpl-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const size = reply.chunkSize ?? 7;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ id, object: 'chat.completion.chunk', created, model: MODEL_ECHO, choices, ...extra });
  const delta = (value: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finish }]);

  const events: unknown[] = [];
  const hasText = reply.text !== undefined && reply.text !== '';
  // Like OpenAI: the first chunk names the role; content is "" for text answers, null for tool calls.
  events.push(delta({ role: 'assistant', content: hasText || !reply.toolCalls?.length ? '' : null }));
  if (reply.reasoning) for (const piece of splitText(reply.reasoning.text, size)) events.push(delta({ [reply.reasoning.field]: piece }));
  if (hasText) for (const piece of splitText(reply.text!, size)) events.push(delta({ content: piece }));
  reply.toolCalls?.forEach((call, index) => {
    events.push(delta({ tool_calls: [{ index, id: callIdOf(call), type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of splitText(argumentsOf(call), size)) events.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  if (reply.streamError) {
    events.push({ error: reply.streamError });
  } else {
    events.push(delta({}, finishOf(reply)));
    events.push(chunk([], { usage: usageOf(reply) }));
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
  if (!reply.chunkDelayMs) {
    for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
    res.end('data: [DONE]\n\n');
    return;
  }
  void (async () => {
    for (const event of events) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify(event)}\n\n`);
      await sleepUnlessClosed(reply.chunkDelayMs!, res);
    }
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  })();
}

/** The text of a request message, whether its content is a string or parts. */
export function contentText(message: ChatRequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (Array.isArray(message.content)) return message.content.map((part) => part.text ?? '').join('');
  return '';
}

/** All of a request's messages as one text, for `toContain` checks. */
export function requestText(request: RecordedRequest): string {
  return request.body.messages.map((message) => `${message.role}: ${contentText(message)}${message.tool_calls ? ` ${JSON.stringify(message.tool_calls)}` : ''}`).join('\n');
}

/** The last user message of a request. */
export function lastUserText(request: RecordedRequest): string {
  const users = request.body.messages.filter((message) => message.role === 'user');
  return users.length ? contentText(users.at(-1)!) : '';
}

/** The names of the tools a request offers the model. */
export function offeredTools(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).map((tool) => tool.function.name);
}

/** A reply whose text is the plan as JSON. */
export function planReply(plan: unknown, extra: Omit<FakeReply, 'text'> = {}): FakeReply {
  return { text: JSON.stringify(plan), ...extra };
}

/** A model config for `server` as its variables would give it: no retries, a 10 s timeout. */
export function fakeModelConfig(server: FakeOpenAIServer): ModelConfig {
  return { baseURL: server.baseURL, apiKey: 'sk-fake', model: 'fake-model', sources: { baseURL: 'OPENAI_BASE_URL', model: 'KSA_MODEL' }, timeoutMs: 10_000, maxRetries: 0 };
}
