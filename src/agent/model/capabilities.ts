import path from 'node:path';
import type { CapabilityFile, CapabilityUpdate, ModelCapabilities, ProbeResult } from './capabilities-schema.js';
import { PrivateJSONFile } from '../../store/private-json-file.js';
import { makeDirs } from '../../store/make-dirs.js';
import { isRecord } from '../../planning/values.js';
import { isBoolean, isString, known, optional } from '../../store/plain-values.js';

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
    const plain = plainCapabilityFile(data);
    if (plain) return plain;
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
    await makeDirs(key.home, 0o700);
    await new PrivateJSONFile<CapabilityFile>(capabilitiesFile(key.home), { pretty: true }).write(data);
    return entry;
  } catch {
    return undefined;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** model-capabilities.json (the cache's FileSchema), or undefined when the schema must judge it. */
export function plainCapabilityFile(data: unknown): CapabilityFile | undefined {
  if (!isRecord(data) || data.version !== 1 || !isRecord(data.models)) return undefined;
  const models: Record<string, ModelCapabilities> = {};
  for (const [key, entry] of Object.entries(data.models)) {
    const capabilities = key === '__proto__' ? undefined : plainCapabilities(entry);
    if (!capabilities) return undefined;
    models[key] = capabilities;
  }
  return { version: 1, models };
}

function plainCapabilities(entry: unknown): ModelCapabilities | undefined {
  if (!isRecord(entry) || !isString(entry.updatedAt)) return undefined;
  const plain =
    optional(entry.tools, isBoolean) &&
    optional(entry.structured, (value) => (STRUCTURED_MODES as readonly unknown[]).includes(value)) &&
    optional(entry.streaming, isBoolean) &&
    optional(entry.source, isString) &&
    optional(entry.probes, (value) => Array.isArray(value) && value.every((probe) => plainProbe(probe) !== undefined));
  if (!plain) return undefined;
  const capabilities = known<ModelCapabilities>(entry, ['tools', 'structured', 'streaming', 'updatedAt', 'source']);
  return entry.probes === undefined ? capabilities : { ...capabilities, probes: (entry.probes as unknown[]).map((probe) => plainProbe(probe)!) };
}

function plainProbe(probe: unknown): ProbeResult | undefined {
  if (!isRecord(probe)) return undefined;
  const plain = isString(probe.capability) && isBoolean(probe.ok) && typeof probe.ms === 'number' && Number.isFinite(probe.ms) && optional(probe.detail, isString);
  return plain ? known<ProbeResult>(probe, ['capability', 'ok', 'ms', 'detail']) : undefined;
}
