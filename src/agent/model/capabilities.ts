import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CapabilityFile, CapabilityUpdate, ModelCapabilities } from './capabilities-schema.js';
import { PrivateJSONFile } from '../../store/private-json-file.js';

/** How ksa asks this endpoint + model for structured output, best first. */
export const STRUCTURED_MODES = ['json_schema', 'json_object', 'text'] as const;
export type StructuredMode = (typeof STRUCTURED_MODES)[number];

export type { CapabilityUpdate, ModelCapabilities, ProbeResult } from './capabilities-schema.js';

export type ModelKey = { readonly home: string; readonly baseURL: string; readonly model: string };

/** `$KSA_HOME/model-capabilities.json`, private (0600). */
export function capabilitiesFile(home: string): string {
  return path.join(home, 'model-capabilities.json');
}

const keyOf = ({ baseURL, model }: Pick<ModelKey, 'baseURL' | 'model'>) => `${baseURL.replace(/\/+$/, '')} ${model}`;

async function readFileData(home: string): Promise<CapabilityFile> {
  try {
    const data = await new PrivateJSONFile<unknown>(capabilitiesFile(home)).read();
    if (data === null) return { version: 1, models: {} };
    const { FileSchema } = await import('./capabilities-schema.js');
    const parsed = FileSchema.safeParse(data);
    return parsed.success ? parsed.data : { version: 1, models: {} };
  } catch {
    // A broken cache is only a cache: probe again.
    return { version: 1, models: {} };
  }
}

/** What is known about this endpoint + model, or undefined when nothing is cached. */
export async function readCapabilities(key: ModelKey): Promise<ModelCapabilities | undefined> {
  return (await readFileData(key.home)).models[keyOf(key)];
}

/** Merges what was learnt into the cache and returns the new entry. Never throws: a cache that cannot be written is skipped. */
export async function recordCapability(key: ModelKey, update: CapabilityUpdate, now: () => Date = () => new Date()): Promise<ModelCapabilities | undefined> {
  try {
    const data = await readFileData(key.home);
    const entry: ModelCapabilities = { ...data.models[keyOf(key)], ...stripUndefined(update), updatedAt: now().toISOString() };
    data.models[keyOf(key)] = entry;
    await mkdir(key.home, { recursive: true, mode: 0o700 });
    await new PrivateJSONFile<CapabilityFile>(capabilitiesFile(key.home), { pretty: true }).write(data);
    return entry;
  } catch {
    return undefined;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
