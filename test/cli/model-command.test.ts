import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { singleFailureLine } from '../helpers/agent-cli.js';
import { createCliSandbox, describeResult, freePort, runKsa } from '../helpers/cli.js';
import { loadCorpusCase, startReplayServer } from '../helpers/replay-server.js';

// `ksa model check` and `ksa model list` end to end, and the cache they leave
// for the other commands.

const CORPUS = path.resolve(import.meta.dirname, '../corpus/models');

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

  it('check against a port nobody listens on: the table, then one line, exit 1', async (context) => {
    const { ksa } = await setUp(context, '41-capable-server.http');
    const port = await freePort();
    const result = await ksa(['model', 'check'], `http://127.0.0.1:${port}/v1`);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toMatch(/plain answer\s+no\s+\d+ ms\s+cannot reach the model endpoint/);
    expect(singleFailureLine(result)).toBe(`ksa: cannot reach the model endpoint http://127.0.0.1:${port}/v1 (connection refused); is the server running? It is set by OPENAI_BASE_URL`);
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
