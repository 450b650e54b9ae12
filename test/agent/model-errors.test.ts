import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { ModelError, toModelError, type ModelConfig } from '../../src/agent/index.js';

// Every way a model call fails becomes one line that names the endpoint and says what to do.

const CONFIG: Pick<ModelConfig, 'baseURL' | 'model' | 'sources'> = { baseURL: 'http://127.0.0.1:9999/v1', model: 'llama3.1', sources: { baseURL: 'OPENAI_BASE_URL', model: 'KSA_MODEL' } };
const OLLAMA = { ...CONFIG, baseURL: 'http://localhost:11434/v1' };

function apiError(statusCode: number | undefined, body?: unknown, extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {}): APICallError {
  return new APICallError({
    message: extra.message ?? (statusCode ? `HTTP ${statusCode}` : 'Cannot connect to API: connect ECONNREFUSED 127.0.0.1:9999'),
    url: `${CONFIG.baseURL}/chat/completions`,
    requestBodyValues: {},
    statusCode,
    responseBody: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    isRetryable: statusCode === undefined || statusCode === 429 || statusCode >= 500,
    ...extra,
  });
}

const netError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const retried = (errors: unknown[]) => new RetryError({ message: `Failed after ${errors.length} attempts`, reason: 'maxRetriesExceeded', errors });
const openAiBody = (message: string) => ({ error: { message, type: 'invalid_request_error', code: null } });

describe('toModelError', () => {
  it.each([
    [401, openAiBody('Incorrect API key provided: sk-abc.'), 'unauthorized', 'http://127.0.0.1:9999/v1 refused the API key (401: Incorrect API key provided: sk-abc.); check OPENAI_API_KEY'],
    [403, undefined, 'unauthorized', 'http://127.0.0.1:9999/v1 refused the API key (403: HTTP 403); check OPENAI_API_KEY'],
    [
      404,
      openAiBody('The model `llama3.1` does not exist'),
      'unknown_model',
      'http://127.0.0.1:9999/v1 does not know model "llama3.1" (404: The model `llama3.1` does not exist); set KSA_MODEL to a model it serves (ksa model list), and check that OPENAI_BASE_URL ends in /v1',
    ],
    [429, openAiBody('Rate limit reached'), 'rate_limited', 'http://127.0.0.1:9999/v1 is rate limiting requests (429): Rate limit reached; wait and try again'],
    [500, openAiBody('boom'), 'server_error', 'http://127.0.0.1:9999/v1 failed with 500: boom; try again later'],
    [400, openAiBody("Invalid value for 'response_format'"), 'structured_unsupported', "http://127.0.0.1:9999/v1 rejected the structured-output request (400: Invalid value for 'response_format'); run ksa model check to see which mode works with \"llama3.1\""],
    [400, openAiBody("Invalid value for 'temperature'"), 'bad_request', "http://127.0.0.1:9999/v1 rejected the request (400: Invalid value for 'temperature'); check KSA_MODEL and the server's log, or run ksa model check"],
  ] as const)('HTTP %i → %s', (status, body, reason, message) => {
    const error = toModelError(apiError(status, body), CONFIG);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.reason).toBe(reason);
    expect(error.statusCode).toBe(status);
    expect(error.message).toBe(message);
  });

  it('404 from Ollama suggests ollama list / ollama pull', () => {
    expect(toModelError(apiError(404, openAiBody('model "llama3.1" not found, try pulling it first')), OLLAMA).message).toContain('(ollama list), or pull it (ollama pull <model>)');
  });

  it('retries exhausted: the last error decides, and the attempts are counted', () => {
    const error = toModelError(retried([apiError(503, openAiBody('overloaded')), apiError(503, openAiBody('overloaded')), apiError(500, openAiBody('still down'))]), CONFIG);
    expect(error.reason).toBe('server_error');
    expect(error.message).toBe('http://127.0.0.1:9999/v1 failed with 500 after 3 attempts: still down; try again later');
    expect(toModelError(retried([apiError(429), apiError(429)]), CONFIG).message).toBe('http://127.0.0.1:9999/v1 is rate limiting requests (429) after 2 attempts: HTTP 429; wait and try again');
  });

  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'host not found'],
    ['ECONNRESET', 'connection reset'],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection timed out'],
  ])('no connection (%s) → unreachable, with where the URL was set', (code, problem) => {
    const error = toModelError(retried([apiError(undefined, undefined, { cause: netError(code) })]), CONFIG);
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`cannot reach the model endpoint http://127.0.0.1:9999/v1 (${problem}); is the server running? It is set by OPENAI_BASE_URL`);
  });

  it('an unreachable default endpoint says it is the default and how to set another', () => {
    const error = toModelError(retried([apiError(undefined, undefined, { cause: netError('ENOTFOUND') })]), { ...CONFIG, baseURL: 'https://api.openai.com/v1', sources: { baseURL: 'the default', model: 'the default' } });
    expect(error.message).toBe('cannot reach the model endpoint https://api.openai.com/v1 (host not found); is the server running? It is the default endpoint; set OPENAI_BASE_URL for another');
  });

  it('the cause code is found a few levels deep (fetch failed → cause → cause)', () => {
    const deep = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('other side closed'), { cause: netError('ECONNREFUSED') }) });
    expect(toModelError(apiError(undefined, undefined, { cause: deep }), CONFIG).message).toContain('(connection refused)');
  });

  it('an unknown connection problem shows the client’s own words', () => {
    const error = toModelError(apiError(undefined, undefined, { message: 'Cannot connect to API: unknown scheme', cause: new Error('unknown scheme') }), CONFIG);
    expect(error.message).toContain('(unknown scheme)');
  });

  it('a timeout → timeout, naming the endpoint and KSA_MODEL_TIMEOUT_MS', () => {
    const error = toModelError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), CONFIG);
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('the model at http://127.0.0.1:9999/v1 did not answer in time; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS');
  });

  it('an abort → aborted', () => {
    expect(toModelError(new DOMException('This operation was aborted', 'AbortError'), CONFIG)).toMatchObject({ reason: 'aborted', message: 'the model call was interrupted' });
  });

  it('an HTML page without a title is reduced to its text, on one line, cut at 200 characters', () => {
    const error = toModelError(apiError(502, `<html>\n<body>\nBad gateway ${'x'.repeat(400)}</body></html>`), CONFIG);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:9999\/v1 failed with 502: Bad gateway x+\.\.\.; try again later$/);
    expect(error.message.length).toBeLessThan(300);
  });

  it('an error body with "error" as a string or a top-level "message"', () => {
    expect(toModelError(apiError(500, { error: 'model crashed' }), CONFIG).message).toContain('500: model crashed;');
    expect(toModelError(apiError(500, { message: 'llama runner exited' }), CONFIG).message).toContain('500: llama runner exited;');
  });

  it('anything else: "the model call to <endpoint> failed" with the first line of the message', () => {
    const error = toModelError(new Error('Invalid JSON response\nat line 1'), CONFIG);
    expect(error).toMatchObject({ reason: 'other', message: 'the model call to http://127.0.0.1:9999/v1 failed: Invalid JSON response' });
    expect(toModelError('a string', CONFIG).message).toBe('the model call to http://127.0.0.1:9999/v1 failed: a string');
  });

  it('a ModelError passes through unchanged; the original error is kept as the cause', () => {
    const first = toModelError(apiError(401), CONFIG);
    expect(toModelError(first, CONFIG)).toBe(first);
    const original = apiError(500);
    expect(toModelError(original, CONFIG).cause).toBe(original);
  });
});

describe('toModelError: what the server cannot do', () => {
  it.each([
    [400, openAiBody('registry.ollama.ai/library/gemma3:4b does not support tools'), OLLAMA, 'tools_unsupported', /: "llama3.1" cannot call tools \(400: registry\.ollama\.ai\/library\/gemma3:4b does not support tools\); pick a model with tool support \(ollama\.com\/search\?c=tools\), or use ksa plan$/],
    [400, { object: 'error', message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set' }, CONFIG, 'tools_unsupported', /start vLLM with --enable-auto-tool-choice --tool-call-parser <parser>, or use ksa plan$/],
    [500, { error: { message: 'tools param requires --jinja flag', type: 'server_error' } }, CONFIG, 'tools_unsupported', /\(500: tools param requires --jinja flag\); start llama-server with --jinja, or use ksa plan$/],
    [400, { error: { message: 'This model\'s maximum context length is 4096 tokens.', code: 'context_length_exceeded' } }, CONFIG, 'context_length', /^http:\/\/127\.0\.0\.1:9999\/v1: the prompt does not fit the context window of "llama3\.1" \(400: .*\); give the model a larger context window \(Ollama: OLLAMA_CONTEXT_LENGTH=16384/],
    [200, undefined, CONFIG, 'bad_response', /^http:\/\/127\.0\.0\.1:9999\/v1 sent an answer ksa could not read \(200: HTTP 200\): it was cut off/],
  ] as const)('HTTP %i %j → %s', (status, body, config, reason, message) => {
    const error = toModelError(apiError(status, body), config);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('a port fetch refuses (bad port) is said as such, not as a server that may be down', async () => {
    const x11 = { ...CONFIG, baseURL: 'http://127.0.0.1:6000/v1' };
    const refused = await fetch('http://127.0.0.1:6000/v1/chat/completions').catch((error: unknown) => error);
    const error = apiError(undefined, undefined, { message: `Cannot connect to API: ${(refused as { cause: Error }).cause.message}`, cause: refused });
    expect(toModelError(retried([error, error, error]), x11).message).toBe(
      'cannot reach the model endpoint http://127.0.0.1:6000/v1 after 3 attempts: port 6000 is one that fetch refuses to connect to (a port browsers block too); serve the model on another port',
    );
  });

  it('an HTML page from a proxy is reduced to its title', () => {
    const page = '<!DOCTYPE html>\n<html><head><title>504 Gateway Time-out</title><style>body{}</style></head><body><h1>504</h1>nginx</body></html>';
    expect(toModelError(apiError(504, page), CONFIG).message).toBe('http://127.0.0.1:9999/v1 failed with 504: 504 Gateway Time-out; try again later');
  });

  it('a FastAPI {"detail": …} body gives its detail', () => {
    expect(toModelError(apiError(422, { detail: 'field required: messages' }), CONFIG).message).toContain('(422: field required: messages)');
  });
});
