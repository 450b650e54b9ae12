import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor, FAKE_KEY, singleFailureLine } from '../helpers/agent-cli.js';
import { describeResult, freePort } from '../helpers/cli.js';
import { planReply, type FakeReply } from '../helpers/fake-openai-server.js';
import { VALID_PLAN } from '../helpers/agent-fixtures.js';

// Every model failure, for `ksa plan` and `ksa ask`: a non-zero exit, exactly
// one clear `ksa:` line naming the endpoint (http://127.0.0.1:PORT/v1) and
// what to do, and no stack trace.

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The SDK honours retry-after-ms, so the default 2 retries take milliseconds.
const FAST_RETRY = { 'retry-after-ms': '1' };

const CASES: { name: string; reply: FakeReply; requests: number; line: (endpoint: string) => RegExp }[] = [
  {
    name: '401 (bad key)',
    reply: { status: 401, error: { message: 'Incorrect API key provided.', code: 'invalid_api_key' } },
    requests: 1,
    line: (endpoint) => new RegExp(`^ksa: ${escape(endpoint)} refused the API key \\(401: Incorrect API key provided\\.\\); check OPENAI_API_KEY$`),
  },
  {
    name: '404 (unknown model)',
    reply: { status: 404, error: { message: 'model "fake-model" not found, try pulling it first', code: 'model_not_found' } },
    requests: 1,
    line: (endpoint) => new RegExp(`^ksa: ${escape(endpoint)} does not know model "fake-model" \\(404: .*\\); set KSA_MODEL to a model it serves \\(ksa model list\\), and check that OPENAI_BASE_URL ends in /v1$`),
  },
  {
    name: '500 after retries',
    reply: { status: 500, error: { message: 'llama runner process has terminated', type: 'server_error' }, headers: FAST_RETRY },
    requests: 3,
    line: (endpoint) => new RegExp(`^ksa: ${escape(endpoint)} failed with 500 after 3 attempts: llama runner process has terminated; try again later$`),
  },
  {
    name: '429 after retries',
    reply: { status: 429, error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' }, headers: FAST_RETRY },
    requests: 3,
    line: (endpoint) => new RegExp(`^ksa: ${escape(endpoint)} is rate limiting requests \\(429\\) after 3 attempts: Rate limit reached; wait and try again$`),
  },
];

describe.concurrent.each([
  ['plan', ['plan', 'deploy the shop']],
  ['ask', ['ask', 'deploy the shop']],
])('ksa %s: model failures', (_command, args) => {
  it.for(CASES)('$name: exit 1 and one line naming the endpoint', async ({ reply, requests, line }, context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback(reply);
    const result = await cli.ksa(args);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toMatch(line(cli.server.baseURL));
    expect(cli.server.requests).toHaveLength(requests);
    expect(result.stdout).toBe('');
  });

  it('a server that quotes the refused key: the key is not printed, nor kept with the session', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ status: 401, error: { message: `Incorrect API key provided: ${FAKE_KEY}. Find yours in your account.`, code: 'invalid_api_key' } });
    const result = await cli.ksa(args);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: ${cli.server.baseURL} refused the API key (401: Incorrect API key provided: ***. Find yours in your account.); check OPENAI_API_KEY`);
    expect(result.stdout + result.stderr).not.toContain(FAKE_KEY);
    expect(await filesContaining(cli.sandbox.home, FAKE_KEY)).toEqual([]);
  });

  it('connection refused: exit 1, where OPENAI_BASE_URL points and whether the server runs', async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ maxRetries: 0 });
    const port = await freePort();
    const result = await cli.ksa(args, { env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: cannot reach the model endpoint http://127.0.0.1:${port}/v1 (connection refused); is the server running? It is set by OPENAI_BASE_URL`);
  });

  it('no endpoint configured at all: exit 2 before any request, saying what to set', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(args, { env: { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe(
      'ksa: no model endpoint configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server (e.g. http://localhost:11434/v1 for Ollama) and KSA_MODEL',
    );
    expect(cli.server.requests).toHaveLength(0);
  });

  it('a corrupt KSA_HOME/config.json: exit 2 naming the file', async (context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.home, 'config.json'), '{ "model": ');
    const result = await cli.ksa(args);
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe(`ksa: ${path.join(cli.sandbox.home, 'config.json')}: cannot read it (not valid JSON)`);
  });

  it('the endpoint and model from KSA_HOME/config.json are used when the environment has none', async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ baseURL: cli.server.baseURL, model: 'model-from-file', maxRetries: 0 });
    cli.server.setFallback({ status: 401, error: 'bad key' });
    const result = await cli.ksa(args, { env: { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined, KSA_MODEL: undefined } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toContain(`${cli.server.baseURL} refused the API key`);
    expect(cli.server.requests[0]!.body.model).toBe('model-from-file');
  });
});

describe.concurrent('timeouts and base URLs', () => {
  it('the longest KSA_MODEL_TIMEOUT_MS allowed: the call is made and answered, not timed out at once', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(VALID_PLAN));
    const result = await cli.ksa(['plan', 'deploy'], { env: { KSA_MODEL_TIMEOUT_MS: '2147483647' } });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).not.toMatch(/TimeoutOverflowWarning|did not answer in time/);
  });

  it('an empty OPENAI_BASE_URL is unset: the endpoint of KSA_HOME/config.json is used', async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ baseURL: cli.server.baseURL });
    cli.server.enqueue(planReply(VALID_PLAN));
    const result = await cli.ksa(['plan', 'deploy'], { env: { OPENAI_BASE_URL: '' } });
    expect(result.code, describeResult(result)).toBe(0);
    expect(cli.server.requests).toHaveLength(1);
  });

  it('ksa plan: a model that never answers times out after KSA_MODEL_TIMEOUT_MS with one line', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ hang: true });
    // The model never answers: only the 1 s limit ends ksa before the harness kills it.
    const result = await cli.ksa(['plan', 'deploy'], { env: { KSA_MODEL_TIMEOUT_MS: '1000' }, timeoutMs: 20_000 });
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model at ${cli.server.baseURL} did not answer in time; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`);
  });

  it('ksa plan: retries that outlast KSA_MODEL_TIMEOUT_MS are a timeout naming the limit, not an interrupt', async (context) => {
    const cli = await agentCliFor(context);
    // The SDK waits retry-after (30 s) before retrying: the 2 s limit runs out in that wait.
    cli.server.setFallback({ status: 500, error: 'overloaded', headers: { 'retry-after': '30' } });
    const result = await cli.ksa(['plan', 'deploy'], { env: { KSA_MODEL_TIMEOUT_MS: '2000' }, timeoutMs: 20_000 });
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model at ${cli.server.baseURL} did not answer in time: it timed out after 2000 ms while retrying a failed call; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`);
    expect(cli.server.requests).toHaveLength(1);
  });

  it('ksa ask: a 200 whose body is not a completion (a captive portal page) is one line with its words and exit 1, not a silent empty answer', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ rawBody: '<html><body>captive portal</body></html>', headers: { 'content-type': 'text/html' } });
    const result = await cli.ksa(['ask', 'hello']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: ${cli.server.baseURL} sent an answer ksa could not read (200: captive portal): it was cut off or is not in the Chat Completions format; try again, and check the server's log if it persists`);
  });

  it('ksa ask: a model that never answers times out with one line and exit 1', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ hang: true });
    const result = await cli.ksa(['ask', 'deploy'], { env: { KSA_MODEL_TIMEOUT_MS: '1000' } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model at ${cli.server.baseURL} did not answer in time; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`);
  });

  it('OPENAI_BASE_URL that is not a URL: exit 2 at once', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['plan', 'deploy'], { env: { OPENAI_BASE_URL: `127.0.0.1:${cli.server.port}/v1` } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe(`ksa: OPENAI_BASE_URL: "127.0.0.1:${cli.server.port}/v1" is not an http(s) URL; expected e.g. http://localhost:11434/v1`);
  });

  it('OPENAI_BASE_URL with a password in it: exit 2 at once, the password not repeated, nothing sent', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['plan', 'deploy'], { env: { OPENAI_BASE_URL: `http://bob:urlsecret-1@127.0.0.1:${cli.server.port}/v1` } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe(
      `ksa: OPENAI_BASE_URL: the URL carries a user name or password (http://***@127.0.0.1:${cli.server.port}/v1); put the key in OPENAI_API_KEY instead`,
    );
    expect(result.stderr + result.stdout).not.toContain('urlsecret-1');
    expect(cli.server.requests).toHaveLength(0);
  });

  it('OPENAI_BASE_URL without http://: exit 2 at once, saying it must be an http(s) URL', async (context) => {
    const cli = await agentCliFor(context);
    // Without retries the wrong outcome (exit 1, "cannot reach … (unknown scheme)") comes fast.
    await cli.writeConfig({ maxRetries: 0 });
    const result = await cli.ksa(['plan', 'deploy'], { env: { OPENAI_BASE_URL: `localhost:${cli.server.port}/v1` } });
    // 2, a usage error, is refused before any call to the model: a call (however it fails) would exit 1.
    expect(result.code, describeResult(result)).toBe(2);
    expect(cli.server.requests).toHaveLength(0);
    expect(singleFailureLine(result)).toMatch(/http/);
  });
});

/** Files under `dir` whose text contains `text`. */
async function filesContaining(dir: string, text: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  const hits = await Promise.all(files.map(async (file) => ((await readFile(file, 'utf8')).includes(text) ? file : undefined)));
  return hits.filter((file): file is string => file !== undefined);
}
