import { generateText, NoObjectGeneratedError, Output, RetryError, streamText, tool } from 'ai';
import { z } from 'zod';
import type { ModelConfig } from '../config.js';
import { ModelError, toModelError } from '../model-errors.js';
import { apiCallErrorOf, modelErrorKind } from './error-kinds.js';
import { createChatModel, STRUCTURED_PROVIDER_OPTIONS, withJsonExtraction } from '../provider.js';
import type { ProbeResult, StructuredMode } from './capabilities.js';
import { isConfiguredModel, listModels } from './list-models.js';
import { plural } from '../../planning/plural.js';
import { parseTextToolCalls } from '../text-tool-calls.js';

export const CAPABILITIES = ['list models', 'plain answer', 'tool calling', 'JSON-schema output', 'streaming'] as const;

export type ChatMode = 'tools' | 'no-tools chat';

export type ModelCheck = {
  readonly endpoint: string;
  readonly model: string;
  readonly probes: readonly ProbeResult[];
  /** The model answers at all. */
  readonly answers: boolean;
  readonly tools: boolean;
  /** The structured-output mode that worked; undefined when none did. */
  readonly structured?: StructuredMode;
  readonly streaming: boolean;
  readonly chatMode: ChatMode;
  /**
   * Capabilities whose probe failed for a reason that says nothing about the
   * model (a 5xx, a 429, a timeout, a dropped connection): not known, so not to be cached.
   */
  readonly unsure: readonly string[];
  /** Why the model cannot be used, when the plain answer failed. */
  readonly failure?: string;
  /** The server, when it says what it is (Ollama answers /api/version). */
  readonly server?: string;
  /** Advice about the server's known quirks. */
  readonly notes: readonly string[];
};

/**
 * A few small calls that show what the endpoint + model can do: list models,
 * a plain answer, a tool call, JSON-schema output (falling back as every ksa
 * call does), streaming. Each is timed; none is retried.
 */
export async function checkModel(config: ModelConfig, { signal }: { signal?: AbortSignal } = {}): Promise<ModelCheck> {
  let learnt: StructuredMode = 'json_schema';
  let why = '';
  const model = createChatModel(config, {
    structured: 'json_schema',
    onCapability: (update, reason) => {
      if (update.structured) learnt = update.structured;
      why = reason;
    },
  });
  const common = { model, maxRetries: 0, abortSignal: signal, timeout: config.timeoutMs } as const;
  const probes: ProbeResult[] = [];
  const unsure: string[] = [];
  const run = async (capability: (typeof CAPABILITIES)[number], probe: () => Promise<{ ok: boolean; detail?: string }>) => {
    const started = performance.now();
    let outcome: { ok: boolean; detail?: string };
    try {
      outcome = await probe();
    } catch (error) {
      outcome = { ok: false, detail: shortReason(error, config) };
      if (!signal?.aborted && saysNothingAboutTheModel(error)) unsure.push(capability);
    }
    probes.push({ capability, ok: outcome.ok, ms: Math.round(performance.now() - started), ...(outcome.detail ? { detail: outcome.detail } : {}) });
    return outcome.ok;
  };

  await run('list models', async () => {
    const models = await listModels(config, { signal });
    const listed = models.some((served) => isConfiguredModel(served.id, config.model));
    return { ok: true, detail: `${plural(models.length, 'model')}; ${listed ? `"${config.model}" is one of them` : `"${config.model}" is not listed`}` };
  });

  const server = await detectOllama(config, signal);
  const notes = server
    ? [`${server} cuts prompts longer than its context window without an error (the default is 2k-8k tokens by version); give it more room: OLLAMA_CONTEXT_LENGTH=16384 ollama serve, or PARAMETER num_ctx 16384 in a Modelfile`]
    : [];

  let failure: string | undefined;
  const answers = await run('plain answer', async () => {
    try {
      const result = await generateText({ ...common, prompt: 'Reply with the single word OK.' });
      const reasoning = result.reasoningText ? `; its reasoning (${result.reasoningText.length} characters) is kept apart` : '';
      if (!result.text.trim()) return { ok: false, detail: `empty answer (finish reason ${result.finishReason})${reasoning}` };
      return { ok: true, detail: `"${clip(result.text.trim(), 30)}"${reasoning}` };
    } catch (error) {
      failure = toModelError(error, config).message;
      throw error;
    }
  });

  // A model that cannot answer at all cannot do anything else either.
  if (!answers) return { endpoint: config.baseURL, model: config.model, probes, answers, tools: false, streaming: false, chatMode: 'no-tools chat', unsure, ...(failure ? { failure } : {}), ...(server ? { server } : {}), notes };

  const tools = await run('tool calling', async () => {
    const result = await generateText({
      ...common,
      prompt: 'Call the echo tool with the text "ping". Do not answer in words.',
      tools: { echo: tool({ description: 'Echoes a text back.', inputSchema: z.object({ text: z.string() }) }) },
    });
    if (result.toolCalls.some((call) => call.toolName === 'echo')) return { ok: true, detail: 'called echo' };
    // Written as text (`<tool_call>…`, `[TOOL_CALLS]…`) by a server that does not parse them: the chat reads those as calls.
    if (parseTextToolCalls(result.text, ['echo']).calls.some((call) => call.name === 'echo')) return { ok: true, detail: 'called echo, written as text (ksa reads those calls)' };
    return { ok: false, detail: result.text.trim() ? `answered in text instead: "${clip(result.text.trim(), 40)}"` : 'no tool call' };
  });

  let structured: StructuredMode | undefined;
  await run('JSON-schema output', async () => {
    const result = await generateText({
      ...common,
      model: withJsonExtraction(model),
      prompt: 'Answer with {"ok": true, "word": "ping"}.',
      output: Output.object({ schema: z.object({ ok: z.boolean(), word: z.string() }), name: 'probe' }),
      providerOptions: STRUCTURED_PROVIDER_OPTIONS,
    }).catch((error: unknown) => {
      if (NoObjectGeneratedError.isInstance(error)) return undefined;
      throw error;
    });
    if (!result) return { ok: false, detail: `no JSON came back${learnt === 'json_schema' ? '' : ` (${why})`}; ksa puts the schema in the prompt and repairs` };
    structured = learnt;
    if (learnt === 'json_schema') return { ok: true, detail: 'json_schema' };
    return { ok: false, detail: `${why}; ksa uses ${learnt}` };
  });

  const streaming = await run('streaming', async () => {
    // Errors arrive as stream parts; the default onError would also print them.
    const result = streamText({ ...common, prompt: 'Count from 1 to 5, separated by spaces.', timeout: { totalMs: config.timeoutMs }, onError: () => {} });
    let deltas = 0;
    let text = '';
    for await (const part of result.stream) {
      if (part.type === 'text-delta') {
        deltas++;
        text += part.text;
      }
      if (part.type === 'error') throw part.error;
    }
    return text.trim() ? { ok: true, detail: `${plural(deltas, 'chunk')}` } : { ok: false, detail: 'no text streamed' };
  });

  return {
    endpoint: config.baseURL,
    model: config.model,
    probes,
    answers,
    tools,
    ...(structured ? { structured } : {}),
    streaming,
    chatMode: tools ? 'tools' : 'no-tools chat',
    unsure,
    ...(failure ? { failure } : {}),
    ...(server ? { server } : {}),
    notes,
  };
}

/** Ollama serves /api/version beside /v1; other servers do not. */
async function detectOllama(config: ModelConfig, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    const origin = config.baseURL.replace(/\/v1$/, '');
    const response = await fetch(`${origin}/api/version`, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(3000)]) : AbortSignal.timeout(3000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { version?: unknown };
    return typeof body.version === 'string' ? `Ollama ${body.version}` : undefined;
  } catch {
    return undefined;
  }
}

/** A server error, a rate limit, a timeout or a lost connection: the same probe may well work a minute later. */
function saysNothingAboutTheModel(error: unknown): boolean {
  const last = RetryError.isInstance(error) ? error.lastError : error;
  // Listing models says why in ksa's words already.
  if (ModelError.isInstance(last)) return TRANSIENT_REASONS.has(last.reason);
  // llama-server without --jinja refuses tools with a 500: that says what the model cannot do here.
  if (modelErrorKind(last) !== undefined) return false;
  const api = apiCallErrorOf(last);
  if (api) {
    const status = api.statusCode;
    return status === undefined || status >= 500 || status === 408 || status === 429;
  }
  const name = (last as Error | undefined)?.name;
  // fetch's "fetch failed" (refused, reset) carries its cause; a timeout is a TimeoutError or AbortError.
  return (last instanceof TypeError && last.cause !== undefined) || name === 'TimeoutError' || name === 'AbortError';
}

const TRANSIENT_REASONS: ReadonlySet<string> = new Set(['timeout', 'unreachable', 'server_error', 'rate_limited']);

/** A probe's failure in a few words: the server's own, without the endpoint (the table names it once). */
function shortReason(error: unknown, config: ModelConfig): string {
  const message = toModelError(error, config).message;
  return clip(message.replace(` at ${config.baseURL}`, '').replace(`endpoint ${config.baseURL}`, 'endpoint').replace(`${config.baseURL}: `, '').replace(`${config.baseURL} `, ''), 160);
}

function clip(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
