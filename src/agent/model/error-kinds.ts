import { APICallError, RetryError } from 'ai';
import { htmlGist } from '../../tools/html-gist.js';

/**
 * What a failed call says about the model server, from the shapes servers
 * really answer with (see the corpus in test/corpus/models): no tool calling,
 * no `response_format`, a prompt longer than the context window.
 */
export type ModelErrorKind = 'tools_unsupported' | 'structured_unsupported' | 'context_length';

const TOOLS = /does not support tools|tools? (?:are|is) not supported|tool[_ ]choice requires|enable-auto-tool-choice|tool-call-parser|tools param requires|--jinja|function calling is not (?:supported|enabled)|does not support (?:function|tool) call/i;
const STRUCTURED = /response_format|json_schema|json_object|structured output|guided_json|grammar/i;
const CONTEXT = /context_length_exceeded|maximum context length|context (?:length|window|size)|n_ctx|num_ctx|too many tokens|prompt is too long|input is too long|exceeds the (?:available )?context|tokens? exceeds|longer than the model/i;

/** The last HTTP error behind a (retried) call, if the server answered at all. */
export function apiCallErrorOf(error: unknown): APICallError | undefined {
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(last)) return last;
  const cause = (last as { cause?: unknown } | undefined)?.cause;
  return APICallError.isInstance(cause) ? cause : undefined;
}

export function modelErrorKind(error: unknown): ModelErrorKind | undefined {
  const api = apiCallErrorOf(error);
  if (!api || api.statusCode === undefined || api.statusCode < 400) return undefined;
  if (api.statusCode === 401 || api.statusCode === 403 || api.statusCode === 404 || api.statusCode === 429) return undefined;
  if (errorCode(api.responseBody) === 'context_length_exceeded') return 'context_length';
  return kindOfWords(`${api.responseBody ?? ''} ${api.message}`);
}

/** The same judgement from words alone, e.g. an error frame in the middle of a stream. */
export function kindOfWords(words: string): ModelErrorKind | undefined {
  if (CONTEXT.test(words)) return 'context_length';
  if (TOOLS.test(words)) return 'tools_unsupported';
  if (STRUCTURED.test(words)) return 'structured_unsupported';
  return undefined;
}

export const isToolsUnsupportedError = (error: unknown): boolean => modelErrorKind(error) === 'tools_unsupported';
export const isStructuredOutputError = (error: unknown): boolean => modelErrorKind(error) === 'structured_unsupported';
export const isContextLengthError = (error: unknown): boolean => modelErrorKind(error) === 'context_length';

function errorCode(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server's own words, in one line: OpenAI's `error.message`, `{"error":"…"}`,
 * `{"message":"…"}`, `{"detail":"…"}` (FastAPI), plain text, or an HTML page
 * from a proxy reduced to its title (else its text).
 */
export function serverWords(body: string | undefined, fallback = ''): string {
  const text = body?.trim();
  if (!text) return oneLine(fallback);
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
      const message =
        typeof parsed.error === 'string' ? parsed.error : typeof parsed.error?.message === 'string' ? parsed.error.message : typeof parsed.message === 'string' ? parsed.message : typeof parsed.detail === 'string' ? parsed.detail : undefined;
      if (message) return oneLine(message);
      return oneLine(text);
    } catch {
      return oneLine(text);
    }
  }
  return oneLine(htmlGist(text) ?? text);
}

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
