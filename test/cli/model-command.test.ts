import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { agentCliFor, ksaLines, singleFailureLine } from '../helpers/agent-cli.js';
import { createCliSandbox, describeResult, freePort, runKsa } from '../helpers/cli.js';
import { loadCorpusCase, startReplayServer } from '../helpers/replay-server.js';

// `ksa model check` and `ksa model list` end to end, and the cache they leave
// for the other commands.

const CORPUS = path.resolve(import.meta.dirname, '../corpus/models');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function setUp(context: TestContext, file: string) {
  const server = await startReplayServer(await loadCorpusCase(path.join(CORPUS, file)));
  const sandbox = await createCliSandbox('ksa-model-cmd-');
  context.onTestFinished(async () => {
    await server.close();
    await sandbox.cleanup();
  });
  const ksa = (args: string[], baseURL = server.baseURL) =>
    runKsa(args, { cwd: sandbox.dir, home: sandbox.home, env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: 'sk-model-cmd', KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: undefined } });
  return { server, sandbox, ksa };
}

describe.concurrent('ksa model', () => {
  it('check caches what it found (0600), and ksa plan starts with the structured mode that works', async (context) => {
    const { server, sandbox, ksa } = await setUp(context, '44-no-tools-json-object-table.http');
    const check = await ksa(['model', 'check', '--json']);
    expect(check.code, describeResult(check)).toBe(0);
    const report = JSON.parse(check.stdout) as { structured: string; tools: boolean; chatMode: string; cache: string; probes: { capability: string; ok: boolean; ms: number }[] };
    expect(report).toMatchObject({ structured: 'json_object', tools: false, chatMode: 'no-tools chat' });
    expect(report.probes.map((probe) => probe.capability)).toEqual(['list models', 'plain answer', 'tool calling', 'JSON-schema output', 'streaming']);
    expect(report.probes.every((probe) => probe.ms >= 0)).toBe(true);
    expect(report.cache).toBe(path.join(sandbox.home, 'model-capabilities.json'));
    expect((await stat(report.cache)).mode & 0o777).toBe(0o600);

    // The planner does not ask with json_schema again: the cache says json_object works.
    const before = server.requests.length;
    const plan = await ksa(['plan', 'say ok']);
    const formats = server.requests.slice(before).map((request) => request.format);
    expect(formats[0], describeResult(plan)).toBe('json_object');
  });

  it("a probe that meets the server's bad minute (503) is not cached: what was known stays, and the next check learns it", async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ maxRetries: 0 });
    let toolsDown = true;
    cli.server.setFallback((request) => {
      if (request.body.tools && toolsDown) return { status: 503, rawBody: '<html><title>503 Service Unavailable</title></html>', headers: { 'content-type': 'text/html' } };
      if (request.body.tools) return { toolCalls: [{ name: 'echo', arguments: { text: 'ping' } }] };
      if (request.body.response_format) return { text: '{"ok": true, "word": "ping"}' };
      return { text: '1 2 3 4 5' };
    });
    const cached = () => JSON.parse(readFileSync(path.join(cli.sandbox.home, 'model-capabilities.json'), 'utf8')).models as Record<string, { tools?: boolean }>;

    const first = await cli.ksa(['model', 'check']);
    expect(first.code, describeResult(first)).toBe(0);
    expect(first.stdout).toMatch(/tool calling\s+\?\s+\d+ ms/);
    expect(first.stdout).toContain('Not known: tool calling (the server failed in a way that says nothing about the model); not saved: run ksa model check again.');
    expect(first.stdout).toContain('Chat: as before (tool calling could not be checked)');
    expect(Object.values(cached())[0]!.tools).toBeUndefined();
    const unsure = await cli.ksa(['model', 'check', '--json']);
    expect(JSON.parse(unsure.stdout)).toMatchObject({ tools: null, chatMode: null, streaming: true, unsure: ['tool calling'] });

    toolsDown = false;
    const second = await cli.ksa(['model', 'check', '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ tools: true, chatMode: 'tools', unsure: [] });
    expect(Object.values(cached())[0]!.tools).toBe(true);
  });

  it('a folder where the cache goes is moved aside with a warning, and what was found is saved (never "Saved" when it was not)', async (context) => {
    const { sandbox, ksa } = await setUp(context, '41-capable-server.http');
    const file = path.join(sandbox.home, 'model-capabilities.json');
    await mkdir(file, { recursive: true });
    const result = await ksa(['model', 'check']);
    expect(result.code, describeResult(result)).toBe(0);
    const warning = ksaLines(result.stderr);
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(new RegExp(`^ksa: warning: ${escape(file)} is a folder, not a file; moved it to ${escape(file)}\\.corrupt-\\S+ and started the cache afresh$`));
    expect(result.stdout).toContain(`Saved in ${file};`);
    expect((await stat(file)).isFile()).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).models as object)).toHaveLength(1);
    expect(readdirSync(sandbox.home).filter((name) => name.startsWith('model-capabilities.json.corrupt-'))).toHaveLength(1);
  });

  it('check against a port nobody listens on: the table, then one line, exit 1', async (context) => {
    const { ksa } = await setUp(context, '41-capable-server.http');
    const port = await freePort();
    const result = await ksa(['model', 'check'], `http://127.0.0.1:${port}/v1`);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toMatch(/plain answer\s+\?\s+\d+ ms\s+cannot reach the model endpoint/);
    expect(singleFailureLine(result)).toBe(`ksa: cannot reach the model endpoint http://127.0.0.1:${port}/v1 (connection refused); is the server running? It is set by OPENAI_BASE_URL`);
    // Nothing was learnt about the model: --json does not report it as one without tools.
    const json = await ksa(['model', 'check', '--json'], `http://127.0.0.1:${port}/v1`);
    expect(json.code, describeResult(json)).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ answers: false, tools: null, structured: null, streaming: null, chatMode: null });
  });

  it('check against a port fetch will not use (1): every row says so, with the words joined as in the last line', async (context) => {
    const { ksa } = await setUp(context, '41-capable-server.http');
    const result = await ksa(['model', 'check'], 'http://127.0.0.1:1/v1');
    expect(result.code, describeResult(result)).toBe(1);
    const words = 'port 1 is one that fetch refuses to connect to (a port browsers block too); serve the model on another port';
    expect(result.stdout).toMatch(new RegExp(`list models\\s+\\?\\s+\\d+ ms\\s+cannot reach the model endpoint: ${escape(words)}\n`));
    expect(result.stdout).toMatch(new RegExp(`plain answer\\s+\\?\\s+\\d+ ms\\s+cannot reach the model endpoint: ${escape(words)}\n`));
    expect(singleFailureLine(result)).toBe(`ksa: cannot reach the model endpoint http://127.0.0.1:1/v1: ${words}`);
  });

  it("llama-server's 500 for tools without --jinja says the model cannot call tools here: no, no-tools chat, remembered", async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ maxRetries: 0 });
    cli.server.setFallback((request) => {
      if (request.body.tools) return { status: 500, error: { message: 'tools param requires --jinja flag', type: 'server_error' } };
      if (request.body.response_format) return { text: '{"ok": true, "word": "ping"}' };
      return { text: '1 2 3 4 5' };
    });
    const check = await cli.ksa(['model', 'check', '--json']);
    expect(check.code, describeResult(check)).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ tools: false, chatMode: 'no-tools chat', unsure: [] });
    const cached = JSON.parse(readFileSync(path.join(cli.sandbox.home, 'model-capabilities.json'), 'utf8')).models as Record<string, { tools?: boolean }>;
    expect(Object.values(cached)[0]!.tools).toBe(false);
  });

  it('a model that spends its output on reasoning: the last line says so and what to raise', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ text: '', reasoning: { field: 'reasoning_content', text: 'Okay, the user wants OK. Let me think about how to say OK' }, finishReason: 'length' });
    const check = await cli.ksa(['model', 'check']);
    expect(check.code, describeResult(check)).toBe(1);
    expect(singleFailureLine(check)).toMatch(
      new RegExp(`^ksa: ${escape(cli.server.baseURL)}: "fake-model" gave no usable answer \\(empty answer \\(finish reason length\\); its reasoning \\(\\d+ characters\\) is kept apart\\): it ran out of output tokens before answering .*raise the output limit on the server`),
    );
  });

  it('a server that never answers: each probe is "?" (not known), and the table does not lose the words around the endpoint', async (context) => {
    const sandbox = await createCliSandbox('ksa-model-hang-');
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    context.onTestFinished(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
      await sandbox.cleanup();
    });
    const baseURL = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    const check = await runKsa(['model', 'check'], { cwd: sandbox.dir, home: sandbox.home, env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: 'sk-x', KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: '1000' } });
    expect(check.code, describeResult(check)).toBe(1);
    expect(check.stdout).toMatch(/list models +\? +\d+ ms +the model did not answer in time;/);
    expect(check.stdout).toMatch(/plain answer +\? +\d+ ms +the model did not answer in time;/);
  });

  it('list --json: every model, the configured one marked', async (context) => {
    const { ksa, server } = await setUp(context, '42-model-list.http');
    const result = await ksa(['model', 'list', '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      endpoint: server.baseURL,
      configured: 'fake-model',
      models: [
        { id: 'fake-model', ownedBy: 'library', configured: true },
        { id: 'llama3.2:3b', ownedBy: 'library', configured: false },
      ],
    });
  });

  it('--help explains the subcommands', async (context) => {
    const { ksa } = await setUp(context, '42-model-list.http');
    const result = await ksa(['model', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('check [options]');
    expect(result.stdout).toContain('list [options]');
    expect(result.stdout).toContain('probes: list models, plain answer, tool calling, JSON-schema output, streaming');
  });
});
