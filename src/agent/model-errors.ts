import { APICallError, RetryError } from 'ai';
import { KsaError } from '../planning/index.js';
import type { ModelConfig } from './config.js';

export type ModelErrorReason = 'unauthorized' | 'unknown_model' | 'rate_limited' | 'server_error' | 'unreachable' | 'timeout' | 'bad_request' | 'aborted' | 'other';

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

export function toModelError(error: unknown, config: Pick<ModelConfig, 'baseURL' | 'model' | 'sources'>): ModelError {
  if (ModelError.isInstance(error)) return error;
  const endpoint = config.baseURL;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const tries = RetryError.isInstance(error) ? error.errors.length : 1;
  const attempts = tries > 1 ? ` after ${tries} attempts` : '';

  if (isAbort(last)) {
    const timedOut = (last as Error).name === 'TimeoutError';
    return timedOut
      ? new ModelError({ reason: 'timeout', message: `the model at ${endpoint} did not answer in time${attempts}; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`, cause: error })
      : new ModelError({ reason: 'aborted', message: 'the model call was interrupted', cause: error });
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const detail = serverMessage(last);
    if (status === 401 || status === 403) {
      return new ModelError({ reason: 'unauthorized', statusCode: status, message: `${endpoint} refused the API key (${status}${detail ? `: ${detail}` : ''}); check OPENAI_API_KEY`, cause: error });
    }
    if (status === 404) {
      return new ModelError({
        reason: 'unknown_model',
        statusCode: status,
        message: `${endpoint} does not know model "${config.model}" (404${detail ? `: ${detail}` : ''}); set KSA_MODEL to a model it serves${/ollama|11434/.test(endpoint) ? ' (ollama list), or pull it (ollama pull <model>)' : ''}, and check that OPENAI_BASE_URL ends in /v1`,
        cause: error,
      });
    }
    if (status === 429) {
      return new ModelError({ reason: 'rate_limited', statusCode: status, message: `${endpoint} is rate limiting requests (429)${attempts}${detail ? `: ${detail}` : ''}; wait and try again`, cause: error });
    }
    if (status !== undefined && status >= 500) {
      return new ModelError({ reason: 'server_error', statusCode: status, message: `${endpoint} failed with ${status}${attempts}${detail ? `: ${detail}` : ''}; try again later`, cause: error });
    }
    if (status !== undefined) {
      return new ModelError({ reason: 'bad_request', statusCode: status, message: `${endpoint} rejected the request (${status}${detail ? `: ${detail}` : ''})`, cause: error });
    }
    // No status: the request never got an answer.
    return new ModelError({
      reason: 'unreachable',
      message: `cannot reach the model endpoint ${endpoint}${attempts} (${connectionProblem(last)}); is the server running? It is set by ${config.sources.baseURL}`,
      cause: error,
    });
  }
  const message = last instanceof Error ? last.message : String(last);
  return new ModelError({ reason: 'other', message: `the model call to ${endpoint} failed: ${message.split('\n')[0]}`, cause: error });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function serverMessage(error: APICallError): string {
  const body = error.responseBody;
  if (body) {
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
      const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
      if (message) return oneLine(message);
    } catch {
      return oneLine(body);
    }
  }
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

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
