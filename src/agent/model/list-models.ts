import { APICallError } from 'ai';
import type { ModelConfig } from '../config.js';
import { ModelError, toModelError } from '../model-errors.js';
import { serverWords } from './error-kinds.js';
import { fetchWithTimeout } from '../provider.js';

export type ServedModel = { readonly id: string; readonly ownedBy?: string };

/**
 * The endpoint's `GET /models` (OpenAI, Ollama, vLLM, LM Studio and llama.cpp
 * all serve it). Failures are ModelErrors, said like every other model call.
 */
export async function listModels(config: ModelConfig, { signal }: { signal?: AbortSignal } = {}): Promise<ServedModel[]> {
  const url = `${config.baseURL}/models`;
  const fetcher = fetchWithTimeout(config.timeoutMs);
  let response: Response;
  try {
    response = await fetcher(url, { headers: { authorization: `Bearer ${config.apiKey}`, accept: 'application/json' }, signal });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw toModelError(error, config);
    // fetch's own words are "fetch failed"; why (refused, a port it will not use) is its cause's, as the AI SDK reports it.
    const why = error instanceof TypeError && error.cause instanceof Error ? error.cause.message : (error as Error).message;
    throw toModelError(new APICallError({ message: `Cannot connect to API: ${why}`, url, requestBodyValues: {}, cause: error, isRetryable: true }), config);
  }
  const text = await response.text();
  if (!response.ok) {
    if (response.status === 404) {
      const words = serverWords(text, 'Not Found');
      throw new ModelError({ reason: 'bad_request', statusCode: 404, message: `${config.baseURL} does not serve /models (404: ${words}); check that OPENAI_BASE_URL ends in /v1` });
    }
    throw toModelError(new APICallError({ message: response.statusText, url, requestBodyValues: {}, statusCode: response.status, responseBody: text }), config);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw toModelError(new APICallError({ message: 'the model list is not JSON', url, requestBodyValues: {}, statusCode: response.status, responseBody: text }), config);
  }
  const data = (parsed as { data?: unknown; models?: unknown }).data ?? (parsed as { models?: unknown }).models;
  if (!Array.isArray(data)) {
    throw toModelError(new APICallError({ message: 'the answer has no "data" list of models', url, requestBodyValues: {}, statusCode: response.status, responseBody: 'expected {"data":[{"id":…}]}' }), config);
  }
  return data
    .map((item: { id?: unknown; name?: unknown; owned_by?: unknown }) => ({ id: String(item.id ?? item.name ?? ''), ...(typeof item.owned_by === 'string' ? { ownedBy: item.owned_by } : {}) }))
    .filter((item) => item.id)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Whether a listed model is the configured one. Ollama lists `llama3.2:latest` and serves it as
 * `llama3.2` too: a name without a tag means its `:latest`.
 */
export function isConfiguredModel(servedId: string, configured: string): boolean {
  return servedId === configured || (!configured.includes(':') && servedId === `${configured}:latest`);
}
