import { createOpenAI } from '@ai-sdk/openai';
import { extractJsonMiddleware, wrapLanguageModel, type LanguageModel } from 'ai';
import { MAX_TIMER_MS } from '../planning/limits.js';
import type { ModelConfig } from './config.js';
import type { CapabilityUpdate, StructuredMode } from './model/capabilities.js';
import { capabilityWatchMiddleware } from './model/capability-watch.js';
import { reasoningMiddleware } from './model/reasoning.js';
import { AnswerTimeoutError, STREAM_TOTAL_FACTOR, type AnswerLimit } from './model/answer-limits.js';
import { streamRepairingFetch } from './model/stream-repair.js';
import { structuredFallbackMiddleware } from './model/structured-fallback.js';

export type ChatModelOptions = {
  /** The structured-output mode known to work (from the capability cache); default json_schema. */
  readonly structured?: StructuredMode;
  /** Told when a call teaches something the cache did not know (e.g. json_schema rejected). */
  readonly onCapability?: (update: CapabilityUpdate, why: string) => void | Promise<void>;
};

/**
 * The Chat Completions API (`.chat()`), not OpenAI's Responses API, so any
 * OpenAI-compatible server works: OpenAI, Ollama, vLLM, LM Studio, llama.cpp.
 * Around it, the model boundary every caller shares (planner, ksa ask, llm_query
 * steps, the chat): reasoning output split from the answer, and structured
 * output that falls back from json_schema to json_object to the schema in the prompt.
 */
export function createChatModel(config: ModelConfig, options: ChatModelOptions = {}): LanguageModel {
  const base = createOpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, name: 'openai', fetch: streamRepairingFetch(fetchWithTimeout(config.timeoutMs)) }).chat(config.model);
  const structured = { mode: options.structured ?? 'json_schema', onChange: (mode: StructuredMode, why: string) => options.onCapability?.({ structured: mode, source: why }, why) };
  const watch = options.onCapability ? [capabilityWatchMiddleware(options.onCapability)] : [];
  return wrapLanguageModel({ model: base, middleware: [...watch, structuredFallbackMiddleware(structured), reasoningMiddleware()] });
}

export { STREAM_TOTAL_FACTOR } from './model/answer-limits.js';

/**
 * A server that accepts the connection but never answers (a model still
 * loading, a hung proxy), stalls mid-answer, or streams forever (a model caught
 * in a loop) must not hang ksa. `timeoutMs` bounds the wait for the answer to
 * start and every silence within it; a slow local model that keeps writing is
 * not cut for being slow, only once its answer runs STREAM_TOTAL_FACTOR times
 * `timeoutMs` in all.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const timer = new AbortController();
    const abortAfter = (ms: number, limit: AnswerLimit) => {
      const handle = setTimeout(() => timer.abort(new AnswerTimeoutError(limit, ms)), ms);
      // Never the reason a process stays alive.
      handle.unref();
      return handle;
    };
    let idle = abortAfter(timeoutMs, 'first');
    // Node fires a longer timer at once (with a warning): a timeout of weeks would end every call.
    const totalMs = Math.min(timeoutMs * STREAM_TOTAL_FACTOR, MAX_TIMER_MS);
    const total = abortAfter(totalMs, 'total');
    const stop = () => {
      clearTimeout(idle);
      clearTimeout(total);
    };
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timer.signal]) : timer.signal });
    } catch (error) {
      stop();
      throw error;
    }
    if (!response.body) {
      stop();
      return response;
    }
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          clearTimeout(idle);
          idle = abortAfter(timeoutMs, 'silence');
          controller.enqueue(chunk);
        },
        flush: stop,
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/**
 * For structured output: local models often wrap their JSON in ``` fences or
 * add a sentence around it. Only the JSON object is kept.
 */
export function withJsonExtraction(model: LanguageModel): LanguageModel {
  if (typeof model === 'string') return model;
  return wrapLanguageModel({ model: model as Parameters<typeof wrapLanguageModel>[0]['model'], middleware: extractJsonMiddleware({ transform: extractJsonText }) });
}

export function extractJsonText(text: string): string {
  // The first fenced block that holds JSON: a model may show a shell snippet before its plan.
  const fences = [...text.matchAll(/```(?:json|JSON)?[ \t]*\n?([\s\S]*?)```/g)].map((match) => match[1]!.trim());
  // None holds JSON (a shell snippet, then the plan unfenced): the JSON is looked for in the whole answer.
  const fenced = fences.find((body) => body.startsWith('{') || body.startsWith('['));
  const body = (fenced ?? text).trim();
  const start = body.startsWith('[') ? 0 : body.indexOf('{');
  if (start < 0) return body;
  // Up to the bracket that closes the first one: a note after the JSON may hold braces of its own.
  const end = closingBracket(body, start);
  return end === undefined ? body.slice(start) : body.slice(start, end + 1);
}

/** Where the bracket opened at `start` closes (strings skipped), or undefined when it does not (a cut answer). */
function closingBracket(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) return i;
  }
  return undefined;
}

/** Model options every ksa call uses: non-strict JSON schema (plan arguments are free-form per tool). */
export const STRUCTURED_PROVIDER_OPTIONS = { openai: { strictJsonSchema: false } } as const;
