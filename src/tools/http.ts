import { z } from 'zod';
import { defineTool } from './tool.js';
import { basicAuthorization, withoutCredentials } from './url-credentials.js';
import { HttpRequestError, HttpStatusError } from './errors.js';
import { blockedPort, blockedPortWords } from './fetch-ports.js';

/** Response bodies become step outputs kept in the run's state. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const StatusSchema = z.int().min(100).max(599);

export const HttpInputSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Absolute http(s) URL, e.g. "http://localhost:8080/healthz".'),
    method: z
      .preprocess((value) => (typeof value === 'string' ? value.toUpperCase() : value), z.enum(HTTP_METHODS))
      .optional()
      .describe('HTTP method (default GET).'),
    headers: z.record(z.string(), z.string()).superRefine(checkHeaders).optional().describe('Request headers.'),
    body: z
      .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
      .optional()
      .describe('Request body: a string is sent as is; an object or array is sent as JSON (content-type application/json unless set).'),
    expectStatus: z
      .union([StatusSchema, z.array(StatusSchema).min(1)])
      .optional()
      .describe('Status code(s) that count as success (default: any 2xx). Others fail the step. Redirects are followed unless a 3xx is named here: then the first answer is checked.'),
  })
  .superRefine((input, context) => {
    const method = input.method ?? 'GET';
    if (input.body !== undefined && (method === 'GET' || method === 'HEAD')) {
      context.addIssue({ code: 'custom', path: ['body'], message: `a ${method} request cannot have a body (send it with method POST, PUT or PATCH)` });
    }
  })
  .describe('Sends one HTTP request; an unexpected status fails the step.');

// RFC 9110 token characters: what fetch accepts as a header name.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What fetch would refuse only once the step runs, found when the plan is checked. */
function checkHeaders(headers: Record<string, string>, context: z.RefinementCtx): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      context.addIssue({ code: 'custom', path: [name], message: "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)" });
    } else if (/[\r\n\0]/.test(value)) {
      context.addIssue({ code: 'custom', path: [name], message: 'not a valid header value: it holds a line break or NUL' });
    } else if (/[^\u0000-\u00ff]/.test(value)) {
      context.addIssue({ code: 'custom', path: [name], message: 'not a valid header value: only Latin-1 characters can be sent (percent-encode the rest)' });
    }
  }
}

export type HttpInput = z.infer<typeof HttpInputSchema>;

export const HttpOutputSchema = z.strictObject({
  status: z.int().describe('Response status code.'),
  headers: z.record(z.string(), z.string()).describe('Response headers, lower-case names.'),
  body: z.unknown().describe('Parsed JSON when the response is JSON, otherwise text (at most 1 MiB).'),
  truncated: z.literal(true).optional().describe('Present when the body was longer than 1 MiB and was cut.'),
});

export type HttpOutput = z.infer<typeof HttpOutputSchema>;

export const httpTool = defineTool({
  name: 'http',
  description:
    'Send an HTTP request and return status, headers and body (parsed when JSON). Fails when the status is not expected (default: any 2xx) or the server cannot be reached. Use with retry to wait for a service to come up.',
  inputSchema: HttpInputSchema,
  outputSchema: HttpOutputSchema,
  risk: 'medium',
  stepRisk: { levels: ['read', 'write', 'destroy'], by: 'the method (GET read, POST write, DELETE destroy)' },
  describe: (input) => `${input.method ?? 'GET'} ${typeof input.url === 'string' ? withCredentials(input.url).shown : input.url}`,
  async execute(input, { signal, onOutput }): Promise<HttpOutput> {
    const method = input.method ?? 'GET';
    const headers = new Headers(input.headers);
    // fetch refuses a URL with user:password; they go as Basic authentication (an explicit header wins).
    const { url, shown, authorization } = withCredentials(input.url);
    if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
    let body: string | undefined;
    if (typeof input.body === 'string') body = input.body;
    else if (input.body !== undefined) {
      body = JSON.stringify(input.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }

    // A plan that expects a 3xx checks the redirect itself (as curl without -L or a probe does), so it is not followed.
    const checksRedirect = [input.expectStatus ?? []].flat().some((status) => status >= 300 && status < 400);
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: checksRedirect ? 'manual' : 'follow' });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw requestError(method, shown, error);
    }
    const redirectedTo = response.redirected && response.url !== url ? withCredentials(response.url).shown : undefined;
    onOutput(`${method} ${shown} -> ${redirectedTo ? `redirected to ${redirectedTo} -> ` : ''}${response.status} ${response.statusText} (${Date.now() - started} ms)`, 'stdout');

    const { text, truncated } = await readBody(response, signal, method, shown);
    const responseBody = isJson(response.headers.get('content-type')) && !truncated ? parseJson(text) : text;
    const expected = input.expectStatus;
    const ok = expected === undefined ? response.status >= 200 && response.status < 300 : [expected].flat().includes(response.status);
    if (!ok) {
      throw new HttpStatusError({ method, url: shown, redirectedTo, status: response.status, expected: describeExpected(expected), body: responseBody });
    }
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: responseBody,
      ...(truncated ? { truncated: true as const } : {}),
    };
  },
});

async function readBody(response: Response, signal: AbortSignal, method: string, url: string): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = MAX_BODY_BYTES - size;
      chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
      size += Math.min(value.byteLength, room);
      if (value.byteLength > room) {
        truncated = true;
        await reader.cancel();
        break;
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw requestError(method, url, error);
  }
  // TextDecoder drops an incomplete character at the cut instead of throwing.
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), truncated };
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/** A server that says JSON but sends something else still gives the step its text. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeExpected(expected: number | readonly number[] | undefined): string {
  if (expected === undefined) return '2xx';
  const list = [expected].flat();
  return list.length === 1 ? String(list[0]) : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
};

/** A URL without its user and password, the same URL as shown (password as ***), and the Basic authentication they make. */
function withCredentials(text: string): { url: string; shown: string; authorization?: string } {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  const authorization = url && basicAuthorization(url);
  if (!url || authorization === undefined) return { url: text, shown: text };
  const bare = withoutCredentials(url).toString();
  return { url: bare, shown: bare.replace('://', `://${url.username}${url.username ? ':' : ''}***@`), authorization };
}

/** fetch only says "fetch failed"; the reason is in its cause (or the cause's first error). */
function requestError(method: string, url: string, error: unknown): HttpRequestError {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const inner = cause as { code?: string; message?: string; errors?: { code?: string; message?: string }[]; hostname?: string };
  const code = inner.code ?? inner.errors?.[0]?.code;
  const refused = inner.message === 'bad port' ? blockedPort(new URL(url)) : undefined;
  let reason: string;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = `could not resolve host ${inner.hostname ?? new URL(url).hostname}`;
  else if (code !== undefined && REASONS[code]) reason = REASONS[code];
  else if (code !== undefined && /CERT|SSL|TLS/.test(code)) reason = tlsReason(code, inner as { message?: string; reason?: string });
  else if (refused !== undefined) reason = `${blockedPortWords(refused)}; use another port`;
  else reason = inner.message ?? inner.errors?.[0]?.message ?? String(cause);
  return new HttpRequestError({ method, url, reason, code, cause: error });
}

/**
 * OpenSSL's own text ("40CD…:error:0A00010B:SSL routines:<function>:<reason>:<source file>:<line>:")
 * carries its reason as a field too: that is the part a user can read.
 */
function tlsReason(code: string, error: { message?: string; reason?: string }): string {
  const words = error.reason ?? error.message?.trim().split('\n')[0] ?? code;
  if (!code.startsWith('ERR_SSL_')) return `TLS error: ${words}`;
  const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? ' (is the server speaking plain HTTP? then use http://)' : '';
  return `TLS handshake failed: ${words}${hint}`;
}
