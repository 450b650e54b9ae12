import { AnswerTimeoutError, STREAM_TOTAL_FACTOR } from './model/answer-limits.js';
import { StreamCutError } from './model/stream-repair.js';
import { APICallError, InvalidResponseDataError, NoObjectGeneratedError, RetryError } from 'ai';
import { KsaError } from '../planning/index.js';
import { createRedactor, secretValues } from '../store/redact.js';
import type { ModelConfig } from './config.js';
import { kindOfWords, modelErrorKind, oneLine, serverWords } from './model/error-kinds.js';
import { TotalTimeoutError } from './model/total-timeout.js';
import { blockedPort, blockedPortWords } from '../tools/fetch-ports.js';

export type ModelErrorReason =
  | 'unauthorized'
  | 'unknown_model'
  | 'rate_limited'
  | 'server_error'
  | 'unreachable'
  | 'timeout'
  | 'bad_request'
  | 'tools_unsupported'
  | 'structured_unsupported'
  | 'context_length'
  | 'bad_response'
  | 'aborted'
  | 'other';

/** A failed model call, said in one line that names the endpoint and what to do. */
export class ModelError extends KsaError {
  readonly reason: ModelErrorReason;
  readonly statusCode?: number;

  constructor({ reason, message, statusCode, cause }: { reason: ModelErrorReason; message: string; statusCode?: number; cause?: unknown }) {
    super({ name: 'ModelError', message, cause });
    this.reason = reason;
    this.statusCode = statusCode;
  }
}

type ErrorConfig = Pick<ModelConfig, 'baseURL' | 'model' | 'sources'> & { readonly apiKey?: string };

export function toModelError(error: unknown, config: ErrorConfig): ModelError {
  if (ModelError.isInstance(error)) return error;
  const described = describeModelError(error, config);
  const message = withoutCredentials(described.message, config);
  return message === described.message ? described : new ModelError({ reason: described.reason, statusCode: described.statusCode, message, cause: error });
}

/**
 * Some servers quote the key they refused ("Incorrect API key provided: sk-…"), and a URL's password
 * is quoted with the URL: neither is printed, stored with the chat, or shown to the model.
 */
function withoutCredentials(message: string, config: ErrorConfig): string {
  return createRedactor([...(config.apiKey ? [config.apiKey] : []), ...secretValues({ baseURL: config.baseURL })]).text(message);
}

function describeModelError(error: unknown, config: ErrorConfig): ModelError {
  const endpoint = config.baseURL;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const tries = RetryError.isInstance(error) ? error.errors.length : 1;
  const attempts = tries > 1 ? ` after ${tries} attempts` : '';

  if (TotalTimeoutError.isInstance(last)) {
    return new ModelError({
      reason: 'timeout',
      message: `the model at ${endpoint} did not answer in time: it timed out after ${last.timeoutMs} ms while retrying a failed call; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`,
      cause: error,
    });
  }
  if (isAbort(last)) {
    const timedOut = (last as Error).name === 'TimeoutError';
    if (!timedOut) return new ModelError({ reason: 'aborted', message: 'the model call was interrupted', cause: error });
    // fetchWithTimeout says which limit ended the answer: one that had begun means the model was not loading.
    if (last instanceof AnswerTimeoutError && last.limit === 'total') {
      return new ModelError({ reason: 'timeout', message: `the model at ${endpoint} was still answering after ${last.ms} ms (${STREAM_TOTAL_FACTOR}× KSA_MODEL_TIMEOUT_MS); it may be caught in a loop: try again, or raise KSA_MODEL_TIMEOUT_MS`, cause: error });
    }
    if (last instanceof AnswerTimeoutError && last.limit === 'silence') {
      return new ModelError({ reason: 'timeout', message: `the model at ${endpoint} stopped answering mid-answer (nothing for ${last.ms} ms)${attempts}; try again, or raise KSA_MODEL_TIMEOUT_MS`, cause: error });
    }
    return new ModelError({ reason: 'timeout', message: `the model at ${endpoint} did not answer in time${attempts}; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`, cause: error });
  }
  if (NoObjectGeneratedError.isInstance(last)) {
    const cut = last.finishReason === 'length' ? ': it was cut off at the output token limit' : '';
    return new ModelError({ reason: 'bad_response', message: `the model at ${endpoint} answered, but not with the JSON ksa asked for${cut}`, cause: error });
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const detail = serverMessage(last);
    const said = (code: number) => `${code}${detail ? `: ${detail}` : ''}`;
    if (status === 401 || status === 403) {
      return new ModelError({ reason: 'unauthorized', statusCode: status, message: `${endpoint} refused the API key (${said(status)}); check OPENAI_API_KEY`, cause: error });
    }
    if (status === 404) {
      return new ModelError({
        reason: 'unknown_model',
        statusCode: status,
        message: `${endpoint} does not know model "${config.model}" (${said(status)}); set KSA_MODEL to a model it serves${isOllama(endpoint) ? ' (ollama list), or pull it (ollama pull <model>)' : ' (ksa model list)'}, and check that OPENAI_BASE_URL ends in /v1`,
        cause: error,
      });
    }
    if (status === 429) {
      return new ModelError({ reason: 'rate_limited', statusCode: status, message: `${endpoint} is rate limiting requests (429)${attempts}${detail ? `: ${detail}` : ''}; wait and try again`, cause: error });
    }
    if (status !== undefined) {
      const kind = modelErrorKind(last);
      if (kind === 'context_length') {
        return new ModelError({ reason: 'context_length', statusCode: status, message: `${endpoint}: the prompt does not fit the context window of "${config.model}" (${said(status)}); ${CONTEXT_HINT}`, cause: error });
      }
      if (kind === 'tools_unsupported') {
        return new ModelError({ reason: 'tools_unsupported', statusCode: status, message: `${endpoint}: "${config.model}" cannot call tools (${said(status)}); ${toolsHint(endpoint, detail)}`, cause: error });
      }
      if (kind === 'structured_unsupported') {
        return new ModelError({
          reason: 'structured_unsupported',
          statusCode: status,
          message: `${endpoint} rejected the structured-output request (${said(status)}); run ksa model check to see which mode works with "${config.model}"`,
          cause: error,
        });
      }
    }
    if (status !== undefined && status < 300 && last.cause instanceof StreamCutError) {
      return new ModelError({ reason: 'bad_response', statusCode: status, message: `${endpoint}: ${last.cause.message}`, cause: error });
    }
    if (status !== undefined && status < 300) {
      return new ModelError({
        reason: 'bad_response',
        statusCode: status,
        message: `${endpoint} sent an answer ksa could not read (${said(status)}): it was cut off or is not in the Chat Completions format; try again, and check the server's log if it persists`,
        cause: error,
      });
    }
    if (status !== undefined && status >= 500) {
      return new ModelError({ reason: 'server_error', statusCode: status, message: `${endpoint} failed with ${status}${attempts}${detail ? `: ${detail}` : ''}; try again later`, cause: error });
    }
    if (status !== undefined) {
      return new ModelError({ reason: 'bad_request', statusCode: status, message: `${endpoint} rejected the request (${said(status)}); check KSA_MODEL and the server's log, or run ksa model check`, cause: error });
    }
    // No status: the request never got an answer.
    const refused = connectionProblem(last) === 'bad port' ? blockedPort(new URL(endpoint)) : undefined;
    if (refused !== undefined) {
      // A server there answers curl, but fetch never connects: "is the server running?" would mislead.
      return new ModelError({ reason: 'unreachable', message: `cannot reach the model endpoint ${endpoint}${attempts}: ${blockedPortWords(refused)}; serve the model on another port`, cause: error });
    }
    return new ModelError({
      reason: 'unreachable',
      message: `cannot reach the model endpoint ${endpoint}${attempts} (${connectionProblem(last)}); is the server running? ${config.sources.baseURL === 'the default' ? 'It is the default endpoint; set OPENAI_BASE_URL for another' : `It is set by ${config.sources.baseURL}`}`,
      cause: error,
    });
  }
  if (InvalidResponseDataError.isInstance(last)) {
    // A 200 whose body parsed but holds no answer (`"choices": []`): the provider's own words name no status or remedy.
    return new ModelError({
      reason: 'bad_response',
      statusCode: 200,
      message: `${endpoint} sent an answer ksa could not read (200: ${oneLine(last.message.replace(/^Response /, 'the response ').replace(/\.$/, ''))}): it is not in the Chat Completions format; try again, and check the server's log if it persists`,
      cause: error,
    });
  }
  const message = last instanceof Error ? last.message : String(last);
  // An error frame in the middle of a stream has words but no status.
  if (kindOfWords(message) === 'context_length') {
    return new ModelError({ reason: 'context_length', message: `${endpoint}: the prompt does not fit the context window of "${config.model}" (${oneLine(message)}); ${CONTEXT_HINT}`, cause: error });
  }
  return new ModelError({ reason: 'other', message: `the model call to ${endpoint} failed: ${message.split('\n')[0]}`, cause: error });
}

/** How to give a model a larger context window, per server. */
export const CONTEXT_HINT =
  'give the model a larger context window (Ollama: OLLAMA_CONTEXT_LENGTH=16384 ollama serve, or PARAMETER num_ctx 16384 in a Modelfile; llama.cpp: --ctx-size; vLLM: --max-model-len; LM Studio: the model\'s context length setting)';

function toolsHint(endpoint: string, detail: string): string {
  if (/enable-auto-tool-choice|tool-call-parser/.test(detail)) return 'start vLLM with --enable-auto-tool-choice --tool-call-parser <parser>, or use ksa plan';
  if (/--jinja/.test(detail)) return 'start llama-server with --jinja, or use ksa plan';
  if (isOllama(endpoint) || /does not support tools/.test(detail)) return 'pick a model with tool support (ollama.com/search?c=tools), or use ksa plan';
  return 'pick a model with tool support, or use ksa plan';
}

const isOllama = (endpoint: string) => /ollama|:11434\b/.test(endpoint);

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function serverMessage(error: APICallError): string {
  if (error.responseBody?.trim()) return serverWords(error.responseBody);
  return error.message && !/^Cannot connect/.test(error.message) ? oneLine(error.message) : '';
}

function connectionProblem(error: APICallError): string {
  const codes: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause && depth < 4; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code) codes.push(code);
    cause = (cause as { cause?: unknown }).cause;
  }
  if (codes.includes('ECONNREFUSED')) return 'connection refused';
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return 'host not found';
  if (codes.includes('ECONNRESET')) return 'connection reset';
  if (codes.includes('ETIMEDOUT') || codes.includes('UND_ERR_CONNECT_TIMEOUT')) return 'connection timed out';
  return oneLine(error.message.replace(/^Cannot connect to API: /, '')) || 'no connection';
}

/** What to do about an answer the model's output limit cut short (finish reason "length"): the limit is the server's. */
const RAISE_OUTPUT_LIMIT = "raise the model's max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off";

/** The output-limit advice where the user asked: in the chat, `ksa ask`. */
export const OUTPUT_LIMIT_HINT = `${RAISE_OUTPUT_LIMIT}, then ask again`;

/**
 * How a failed model answer is tried again: asked again where the user asked, the plan run again where an `llm_query`
 * step asked (a failed run is not resumed; ksa resume says to run it again).
 */
export type AnswerRetry = 'ask again' | 'run the plan again';

const CUT_OFF = 'cut off at the model\'s output token limit (finish reason "length")';

/** An answer with no text in it: only reasoning, or nothing at all; `cutOff`: the model's output limit ended it. */
export function emptyAnswer(reasoning: string, cutOff = false, retry: AnswerRetry = 'ask again'): ModelError {
  if (cutOff) {
    const before = reasoning.trim() ? 'while it was still reasoning, before any answer' : 'before any answer';
    return new ModelError({ reason: 'bad_response', message: `the model gave no answer: it was ${CUT_OFF} ${before}; ${RAISE_OUTPUT_LIMIT}, then ${retry}` });
  }
  const why = reasoning.trim()
    ? 'only reasoning, no answer after it (it may have run out of tokens, or its <think> block never ended)'
    : 'no text and no tool call (an empty completion, or a body that is not an OpenAI-compatible completion)';
  return new ModelError({ reason: 'bad_response', message: `the model sent an empty answer: ${why}; ${retry}, or check the endpoint with: ksa model check` });
}

/** A function call the model's output limit cut off before its arguments were complete: never made, nothing answered. */
export function callCutOff(tool: string): ModelError {
  return new ModelError({ reason: 'bad_response', message: `the model gave no answer: its call of ${tool} was ${CUT_OFF} before its arguments were complete; ${OUTPUT_LIMIT_HINT}` });
}

/** Said under an answer whose text was followed by a call the output limit cut off mid-arguments: never made, nothing to "go on" from. */
export function cutCallNotice(tool: string): string {
  return `The model's call of ${tool} was ${CUT_OFF} before its arguments were complete, so it was not made; ${OUTPUT_LIMIT_HINT}.`;
}

/** A turn whose last function call failed and that ended without a word: `failure` says how that call failed. */
export function noAnswerAfterFailedCall(failure: string, cutOff = false): ModelError {
  // One line: a planner's failure lists its problems on lines of their own.
  const [first = '', ...rest] = failure.split('\n').map((line) => line.trim()).filter(Boolean);
  const said = rest.length ? `${first} ${rest.join('; ')}` : first;
  // Cut off, the model had no room left to answer: its token limit is what to change, not the call.
  if (cutOff) return new ModelError({ reason: 'bad_response', message: `the model gave no answer: it was ${CUT_OFF} after a failed call \u2014 ${said}; ${OUTPUT_LIMIT_HINT}` });
  return new ModelError({ reason: 'bad_response', message: `the model gave no answer after a failed call — ${said}; ask again, or check the model with: ksa model check` });
}

/**
 * A turn of look-ups (list_runs, get_run_status…) with no answer after them; `limited`: stopped at the turn's limit
 * of calls; `cutOff`: the last model call ended at the model's output limit, so it had no room to answer.
 */
export function noAnswerAfterLookups(names: readonly string[], limited: boolean, cutOff = false): ModelError {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const called = [...counts].map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(', ');
  if (cutOff) return new ModelError({ reason: 'bad_response', message: `the model gave no answer: it called ${called}, then its answer was ${CUT_OFF}; ${OUTPUT_LIMIT_HINT}` });
  const why = limited ? `it kept calling functions (${called}) until ksa stopped it` : `it called ${called}, then said nothing`;
  return new ModelError({ reason: 'bad_response', message: `the model gave no answer: ${why}; ask again, or check the model with: ksa model check` });
}
