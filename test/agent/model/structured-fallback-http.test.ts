import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capabilitiesFile, createChatModel, planGoal, readCapabilities, recordCapability, type ModelConfig, type StructuredMode } from '../../../src/agent/index.js';
import { tools, VALID_PLAN } from '../../helpers/agent-fixtures.js';
import { contentText, planReply, startFakeOpenAI, type FakeOpenAIServer, type FakeReply, type RecordedRequest, fakeModelConfig } from '../../helpers/fake-openai-server.js';

// Structured output on servers that do not do json_schema: the planner falls
// back json_schema → json_object → schema in the prompt, remembers what works,
// and keeps json_schema for servers that reject only json_object (LM Studio).

let server: FakeOpenAIServer;
let config: ModelConfig;
let home: string;
beforeAll(async () => {
  server = await startFakeOpenAI();
  config = fakeModelConfig(server);
  home = await mkdtemp(path.join(tmpdir(), 'ksa-structured-'));
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => server.reset());

const formatOf = (request: RecordedRequest) => request.body.response_format?.type ?? 'none';

/** A server that rejects the given response_format types with a 400 and answers the plan otherwise. */
function server400(rejects: Record<string, string>): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const message = rejects[formatOf(request)];
    return message ? { status: 400, error: message } : planReply(VALID_PLAN);
  };
}

async function plan(structured?: StructuredMode) {
  const learnt: StructuredMode[] = [];
  const result = await planGoal('build', { model: createChatModel(config, { structured, onCapability: (update) => void (update.structured && learnt.push(update.structured)) }), tools, maxRetries: 0 });
  return { result, learnt, formats: server.requests.map(formatOf) };
}

describe('structured output fallback', () => {
  it('LM Studio (rejects json_object, accepts json_schema): json_schema is used, nothing changes', async () => {
    server.setFallback(server400({ json_object: "'response_format.type' must be 'json_schema' or 'text'" }));
    const { result, learnt, formats } = await plan();
    expect(result.attempts).toBe(1);
    expect(formats).toEqual(['json_schema']);
    expect(learnt).toEqual([]);
  });

  it('json_schema rejected: json_object, learnt for later calls', async () => {
    server.setFallback(server400({ json_schema: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model." }));
    const model = createChatModel(config, { onCapability: () => {} });
    await planGoal('build', { model, tools, maxRetries: 0 });
    await planGoal('again', { model, tools, maxRetries: 0 });
    expect(server.requests.map(formatOf)).toEqual(['json_schema', 'json_object', 'json_object']);
  });

  it('both rejected: the schema goes into the system prompt, without response_format', async () => {
    server.setFallback(server400({ json_schema: 'response_format json_schema is not supported', json_object: "'response_format.type' must be 'json_schema'" }));
    const { result, learnt, formats } = await plan();
    expect(result.plan.goal).toBe(VALID_PLAN.goal);
    expect(formats).toEqual(['json_schema', 'json_object', 'none']);
    expect(learnt).toEqual(['json_object', 'text']);
    const system = contentText(server.requests[2]!.body.messages[0]!);
    expect(system).toContain('Answer with one JSON object and nothing else');
    expect(system).toContain('"steps"');
  });

  it('a 400 about something else is not a reason to fall back', async () => {
    server.setFallback({ status: 400, error: "Invalid value for 'temperature'" });
    await expect(plan()).rejects.toThrow();
    expect(server.requests.map(formatOf)).toEqual(['json_schema']);
  });

  it('a mode from the cache is used from the first call', async () => {
    server.setFallback(planReply(VALID_PLAN));
    const { formats } = await plan('text');
    expect(formats).toEqual(['none']);
  });
});

describe('capability cache', () => {
  const key = () => ({ home, baseURL: config.baseURL, model: 'cache-model' });

  it('records, merges and reads back; the file is private (0600)', async () => {
    expect(await readCapabilities(key())).toBeUndefined();
    await recordCapability(key(), { tools: false, source: 'test' });
    await recordCapability(key(), { structured: 'json_object' });
    expect(await readCapabilities(key())).toMatchObject({ tools: false, structured: 'json_object', source: 'test' });
    expect(await readCapabilities({ ...key(), model: 'other' })).toBeUndefined();
    expect((await stat(capabilitiesFile(home))).mode & 0o777).toBe(0o600);
  });

  it('calls learning at once about different models all keep what they learnt (no entry written over)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ksa-cache-concurrent-'));
    try {
      const models = Array.from({ length: 12 }, (_, i) => `model-${i}`);
      const saved = await Promise.all(models.map((model) => recordCapability({ home: dir, baseURL: 'http://x/v1', model }, { tools: true, source: 'test' })));
      expect(saved.every((record) => record.saved)).toBe(true);
      const found = await Promise.all(models.map((model) => readCapabilities({ home: dir, baseURL: 'http://x/v1', model })));
      expect(found.filter((entry) => entry?.tools === true)).toHaveLength(models.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a broken cache file is ignored, then replaced', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ksa-cache-broken-'));
    try {
      await writeFile(capabilitiesFile(dir), '{ not json');
      expect(await readCapabilities({ home: dir, baseURL: 'http://x/v1', model: 'm' })).toBeUndefined();
      await recordCapability({ home: dir, baseURL: 'http://x/v1', model: 'm' }, { tools: true });
      expect(await readCapabilities({ home: dir, baseURL: 'http://x/v1', model: 'm' })).toMatchObject({ tools: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('recording says whether it saved: a file in the way is moved aside (told once) and the cache written; no folder for it: not saved, and why', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ksa-cache-in-the-way-'));
    try {
      await mkdir(capabilitiesFile(dir));
      const warnings: string[] = [];
      const saved = await recordCapability({ home: dir, baseURL: 'http://x/v1', model: 'm' }, { tools: true }, { onWarning: (message) => warnings.push(message) });
      expect(saved).toMatchObject({ saved: true, entry: { tools: true } });
      expect(warnings).toEqual([expect.stringMatching(/model-capabilities\.json is a folder, not a file; moved it to .*\.corrupt-\S+ and started the cache afresh$/)]);
      await writeFile(path.join(dir, 'a-file'), '');
      expect(await recordCapability({ home: path.join(dir, 'a-file', 'home'), baseURL: 'http://x/v1', model: 'm' }, { tools: true })).toMatchObject({ saved: false, reason: expect.stringMatching(/ENOTDIR|not a directory/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a tool call the server refuses is remembered as tools: false', async () => {
    const { generateText, tool } = await import('ai');
    const { z } = await import('zod');
    server.setFallback({ status: 400, error: 'registry.ollama.ai/library/gemma3:4b does not support tools' });
    const updates: unknown[] = [];
    const model = createChatModel(config, { onCapability: (update) => void updates.push(update) });
    await expect(generateText({ model, prompt: 'q', maxRetries: 0, tools: { echo: tool({ inputSchema: z.object({}) }) } })).rejects.toThrow(/does not support tools/);
    expect(updates).toEqual([{ tools: false, source: 'the server refused tools', toolsSource: 'the server refused tools' }]);
  });
});
