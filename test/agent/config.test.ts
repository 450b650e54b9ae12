import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, loadModelConfig, ModelConfigError } from '../../src/agent/index.js';

// Where the model is: OPENAI_BASE_URL, OPENAI_API_KEY, KSA_MODEL win over KSA_HOME/config.json.

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ksa-config-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const writeConfig = (value: unknown) => writeFile(path.join(home, 'config.json'), typeof value === 'string' ? value : JSON.stringify(value));
const LOCAL = 'http://localhost:11434/v1';

describe('loadModelConfig', () => {
  it('the environment alone', async () => {
    const config = await loadModelConfig({ OPENAI_BASE_URL: LOCAL, OPENAI_API_KEY: 'ollama', KSA_MODEL: 'llama3.1' }, home);
    expect(config).toEqual({
      baseURL: LOCAL,
      apiKey: 'ollama',
      model: 'llama3.1',
      sources: { baseURL: 'OPENAI_BASE_URL', model: 'KSA_MODEL' },
      timeoutMs: 120_000,
      maxRetries: 2,
    });
  });

  it('the config file alone, with where each value came from', async () => {
    await writeConfig({ baseURL: 'http://gpu-box:8000/v1', apiKey: 'k-file', model: 'qwen2.5', timeoutMs: 30_000, maxRetries: 0 });
    const config = await loadModelConfig({}, home);
    const file = path.join(home, 'config.json');
    expect(config).toEqual({ baseURL: 'http://gpu-box:8000/v1', apiKey: 'k-file', model: 'qwen2.5', sources: { baseURL: file, model: file }, timeoutMs: 30_000, maxRetries: 0 });
  });

  it('a model timeout longer than a timer can wait is refused, from the environment or the file (it would time out at once)', async () => {
    await expect(loadModelConfig({ OPENAI_BASE_URL: LOCAL, KSA_MODEL_TIMEOUT_MS: '99999999999' }, home)).rejects.toThrow(
      'KSA_MODEL_TIMEOUT_MS: expected milliseconds from 1000 to 2147483647 (about 24 days), got "99999999999"',
    );
    await writeConfig({ baseURL: LOCAL, timeoutMs: 3_000_000_000 });
    await expect(loadModelConfig({}, home)).rejects.toThrow(/timeoutMs/);
  });

  it('environment variables win over the file, one by one', async () => {
    await writeConfig({ baseURL: 'http://gpu-box:8000/v1', apiKey: 'k-file', model: 'qwen2.5', timeoutMs: 30_000 });
    const config = await loadModelConfig({ OPENAI_BASE_URL: LOCAL, KSA_MODEL_TIMEOUT_MS: '5000' }, home);
    expect(config.baseURL).toBe(LOCAL);
    expect(config.sources.baseURL).toBe('OPENAI_BASE_URL');
    expect(config.apiKey).toBe('k-file');
    expect(config.model).toBe('qwen2.5');
    expect(config.timeoutMs).toBe(5000);
    const keyFromEnv = await loadModelConfig({ OPENAI_API_KEY: 'k-env', KSA_MODEL: 'm-env' }, home);
    expect(keyFromEnv).toMatchObject({ apiKey: 'k-env', model: 'm-env', baseURL: 'http://gpu-box:8000/v1' });
  });

  it('empty or blank variables count as unset', async () => {
    await writeConfig({ model: 'qwen2.5', baseURL: 'http://gpu-box:8000/v1' });
    const config = await loadModelConfig({ KSA_MODEL: '  ', OPENAI_BASE_URL: '' }, home);
    expect(config.model).toBe('qwen2.5');
    expect(config.baseURL).toBe('http://gpu-box:8000/v1');
  });

  it('defaults: OpenAI and the documented model, with a key', async () => {
    const config = await loadModelConfig({ OPENAI_API_KEY: 'sk-real' }, home);
    expect(config).toMatchObject({ baseURL: 'https://api.openai.com/v1', model: DEFAULT_MODEL, sources: { baseURL: 'the default', model: 'the default' } });
  });

  it('OpenAI without a key: one clear error saying what to set', async () => {
    const error = await loadModelConfig({}, home).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect((error as Error).message).toBe(
      'no model endpoint configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server (e.g. http://localhost:11434/v1 for Ollama) and KSA_MODEL',
    );
    await expect(loadModelConfig({ OPENAI_BASE_URL: 'https://api.openai.com/v1/', OPENAI_API_KEY: ' ' }, home)).rejects.toThrow('no model endpoint configured');
  });

  it('with a config.json, the error names it as the other place, and the keys there ksa does not read, with the key each likely meant', async () => {
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ baseUrl: 'http://127.0.0.1:11434/v1', api_key: 'x', modle: 'qwen', redis: 'redis://127.0.0.1:6379', colour: 'blue' }));
    const error = await loadModelConfig({}, home).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/; or "baseURL", "apiKey" and "model" in \S+config\.json \(it has "baseUrl" \(did you mean "baseURL"\?\), "api_key" \(did you mean "apiKey"\?\), "modle" \(did you mean "model"\?\), "colour", which ksa does not read\)$/);
  });

  it('a local server needs no key (the client still gets one)', async () => {
    const config = await loadModelConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' }, home);
    expect(config.apiKey).toBe('not-needed');
  });

  it('trailing slashes are dropped from the base URL', async () => {
    expect((await loadModelConfig({ OPENAI_BASE_URL: `${LOCAL}//` }, home)).baseURL).toBe(LOCAL);
  });

  it('a base URL that is not a URL is refused, naming where it was set', async () => {
    await expect(loadModelConfig({ OPENAI_BASE_URL: '127.0.0.1:8080/v1' }, home)).rejects.toThrow('OPENAI_BASE_URL: "127.0.0.1:8080/v1" is not an http(s) URL; expected e.g. http://localhost:11434/v1');
    await expect(loadModelConfig({ OPENAI_BASE_URL: 'http://' }, home)).rejects.toThrow('OPENAI_BASE_URL: "http://" is not an http(s) URL; expected e.g. http://localhost:11434/v1');
    await expect(loadModelConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:99999/v1' }, home)).rejects.toThrow('OPENAI_BASE_URL: "http://127.0.0.1:99999/v1" has port 99999, above 65535; expected e.g. http://localhost:11434/v1');
  });

  it('a base URL without http:// is refused up front', async () => {
    await expect(loadModelConfig({ OPENAI_BASE_URL: 'localhost:11434/v1' }, home)).rejects.toThrow(/http/);
  });

  it('a corrupt config file: one error naming the file, "not valid JSON"', async () => {
    await writeConfig('{ "model": "qwen2.5", ');
    const error = await loadModelConfig({ OPENAI_BASE_URL: LOCAL }, home).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect((error as Error).message).toBe(`${path.join(home, 'config.json')}: cannot read it (not valid JSON)`);
  });

  it.each([
    [{ baseURL: 'not a url' }, 'baseURL'],
    [{ model: '' }, 'model'],
    [{ timeoutMs: 10 }, 'timeoutMs'],
    [{ maxRetries: 99 }, 'maxRetries'],
    [{ apiKey: 42 }, 'apiKey'],
  ])('a config file with a bad value (%j) names the field and the expected shape', async (content, field) => {
    await writeConfig(content);
    const error = await loadModelConfig({ OPENAI_BASE_URL: LOCAL }, home).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.join(home, 'config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${field}: .+; expected \\{ "baseURL", "apiKey", "model" \\}$`));
  });

  it('a config file that is a directory cannot be read: said so', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(home, 'config.json'));
    await expect(loadModelConfig({ OPENAI_BASE_URL: LOCAL }, home)).rejects.toThrow(/config\.json: cannot read it \(a directory, not a regular file\)/);
  });

  it('no config file and KSA_HOME missing entirely is fine', async () => {
    const config = await loadModelConfig({ OPENAI_BASE_URL: LOCAL }, path.join(home, 'does', 'not', 'exist'));
    expect(config.baseURL).toBe(LOCAL);
  });
});
