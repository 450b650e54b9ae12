import { readRegularText } from '../store/regular-file.js';
import path from 'node:path';
import type { ConfigFile } from './config-file.js';
import { isRecord } from '../planning/values.js';
import { isInt, isPlainURL, isString, known, optional } from '../store/plain-values.js';
import { KsaError } from '../planning/ksa-error.js';
import { MAX_TIMER_MS } from '../planning/limits.js';
import { closestMatch } from '../planning/suggest.js';

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Where the model is and how to reach it. Environment variables win over the config file. */
export type ModelConfig = {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly model: string;
  /** Where each value came from, for messages ("set in KSA_HOME/config.json"). */
  readonly sources: { readonly baseURL: string; readonly model: string };
  /** Request timeout per model call. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
};

export class ModelConfigError extends KsaError {
  constructor(message: string) {
    super({ name: 'ModelConfigError', message });
  }
}

/** `$KSA_HOME/config.json`: the model settings, `redis` and `mcpServers`. */
export function configFilePath(home: string): string {
  return path.join(home, 'config.json');
}

/**
 * config.json as parsed JSON, or undefined when there is none. A file that cannot be read or is
 * not JSON is one line naming it, for every setting read from it (the model, `redis`).
 */
export async function readConfigJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readRegularText(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelConfigError(`${file}: cannot read it (${error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message})`);
  }
}

/** config.json (ConfigFileSchema), or undefined when the schema must judge it. */
export function plainConfigFile(data: unknown): ConfigFile | undefined {
  if (!isRecord(data)) return undefined;
  const plain =
    optional(data.baseURL, isPlainURL) &&
    optional(data.apiKey, isString) &&
    optional(data.model, (value) => isString(value) && value.length > 0) &&
    optional(data.timeoutMs, (value) => isInt(value, 1000, MAX_TIMER_MS)) &&
    optional(data.maxRetries, (value) => isInt(value, 0, 10));
  return plain ? known<ConfigFile>(data, ['baseURL', 'apiKey', 'model', 'timeoutMs', 'maxRetries']) : undefined;
}

const CONFIG_KEYS = ['baseURL', 'apiKey', 'model', 'timeoutMs', 'maxRetries', 'redis', 'mcpServers'];

/** Keys of config.json that ksa does not read, each with the one it likely meant ("baseUrl", "api_key", "modle"). */
function misspeltKeys(data: unknown): string {
  if (!isRecord(data)) return '';
  const squash = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
  const unknown = Object.keys(data).filter((key) => !CONFIG_KEYS.includes(key));
  if (unknown.length === 0) return '';
  const named = unknown.map((key) => {
    const meant = CONFIG_KEYS.find((known) => squash(known) === squash(key)) ?? closestMatch(squash(key), CONFIG_KEYS.map(squash));
    const spelled = CONFIG_KEYS.find((known) => squash(known) === meant) ?? meant;
    return spelled ? `"${key}" (did you mean "${spelled}"?)` : `"${key}"`;
  });
  return ` (it has ${named.join(', ')}, which ksa does not read)`;
}

/** The schema's answer for a config.json that is not plainly valid: its data, or its first problem in one line. */
async function checkedConfigFile(data: unknown, file: string): Promise<ConfigFile> {
  const { ConfigFileSchema } = await import('./config-file.js');
  const parsed = ConfigFileSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ModelConfigError(`${file}: ${issue?.path.join('.') || 'config'}: ${issue?.message ?? 'invalid'}; expected { "baseURL", "apiKey", "model" }`);
}

/**
 * OPENAI_BASE_URL, OPENAI_API_KEY and KSA_MODEL, else KSA_HOME/config.json
 * ({ "baseURL", "apiKey", "model" }). Local servers (Ollama, vLLM, LM Studio,
 * llama.cpp) need no real key; OpenAI itself does.
 */
export async function loadModelConfig(env: NodeJS.ProcessEnv, home: string): Promise<ModelConfig> {
  const file = configFilePath(home);
  const data = await readConfigJson(file);
  const fromFile: ConfigFile = data === undefined ? {} : (plainConfigFile(data) ?? (await checkedConfigFile(data, file)));

  const envBase = env.OPENAI_BASE_URL?.trim();
  const givenBase = envBase || fromFile.baseURL || OPENAI_BASE_URL;
  const baseURL = givenBase.replace(/\/+$/, '');
  const baseSource = envBase ? 'OPENAI_BASE_URL' : fromFile.baseURL ? file : 'the default';
  const envModel = env.KSA_MODEL?.trim();
  const model = envModel || fromFile.model || DEFAULT_MODEL;
  const modelSource = envModel ? 'KSA_MODEL' : fromFile.model ? file : 'the default';
  const key = env.OPENAI_API_KEY?.trim() || fromFile.apiKey;
  const isOpenAI = /^https:\/\/api\.openai\.com\b/.test(baseURL);
  if (!key && isOpenAI) {
    throw new ModelConfigError(
      `no model endpoint configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server (e.g. http://localhost:11434/v1 for Ollama) and KSA_MODEL${data === undefined ? '' : `; or "baseURL", "apiKey" and "model" in ${file}${misspeltKeys(data)}`}`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(baseURL);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // Said as given ("http://", not "http:"), and a port out of range as what it is.
    const port = /^https?:\/\/[^/:]+:(\d+)/.exec(givenBase)?.[1];
    const why = port !== undefined && Number(port) > 65535 ? `has port ${port}, above 65535` : 'is not an http(s) URL';
    throw new ModelConfigError(`${baseSource}: "${givenBase}" ${why}; expected e.g. http://localhost:11434/v1`);
  }
  // fetch refuses such a URL, and it would be printed in every message and kept in the capability cache.
  if (url.username || url.password) {
    url.username = '';
    url.password = '';
    throw new ModelConfigError(`${baseSource}: the URL carries a user name or password (${url.protocol}//***@${url.host}${url.pathname}); put the key in OPENAI_API_KEY instead`);
  }
  const envTimeout = env.KSA_MODEL_TIMEOUT_MS?.trim();
  if (envTimeout && !(Number(envTimeout) >= 1000 && Number(envTimeout) <= MAX_TIMER_MS)) {
    throw new ModelConfigError(`KSA_MODEL_TIMEOUT_MS: expected milliseconds from 1000 to ${MAX_TIMER_MS} (about 24 days), got "${envTimeout}"`);
  }
  return {
    baseURL,
    // Local OpenAI-compatible servers accept any key, but the client insists on one.
    apiKey: key || 'not-needed',
    model,
    sources: { baseURL: baseSource, model: modelSource },
    timeoutMs: Number(env.KSA_MODEL_TIMEOUT_MS) || fromFile.timeoutMs || 120_000,
    maxRetries: fromFile.maxRetries ?? 2,
  };
}
