import path from 'node:path';
import type { CapabilityFile, CapabilityUpdate, ModelCapabilities, ProbeResult } from './capabilities-schema.js';
import { PrivateJSONFile } from '../../store/private-json-file.js';
import { makeDirs } from '../../store/make-dirs.js';
import { withFileLock } from '../../store/file-lock.js';
import { setAside } from '../../store/set-aside.js';
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

const emptyFile = (): CapabilityFile => ({ version: 1, models: {} });

/** The cache, and what is wrong with the file when it cannot serve as one (a folder, not JSON, other content). */
async function readCache(home: string): Promise<{ readonly data: CapabilityFile; readonly problem?: string }> {
  try {
    const data = await new PrivateJSONFile<unknown>(capabilitiesFile(home)).read();
    if (data === null) return { data: emptyFile() };
    const plain = plainCapabilityFile(data);
    if (plain) return { data: plain };
    const { FileSchema } = await import('./capabilities-schema.js');
    const parsed = FileSchema.safeParse(data);
    return parsed.success ? { data: parsed.data } : { data: emptyFile(), problem: 'does not hold what ksa writes there' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No folder to hold it: nothing there to move aside (the write says why it cannot be saved).
    if (code === 'ENOTDIR') return { data: emptyFile() };
    const problem = code === 'EISDIR' ? 'is a folder, not a file' : error instanceof SyntaxError ? `is not valid JSON (${error.message})` : `could not be read (${(error as Error).message})`;
    return { data: emptyFile(), problem };
  }
}

/** What is known about this endpoint + model, or undefined when nothing is cached. A broken cache is only a cache: probe again. */
export async function readCapabilities(key: ModelKey): Promise<ModelCapabilities | undefined> {
  return (await readCache(key.home)).data.models[keyOf(key)];
}

/** Whether what was learnt is on disk now: the new entry, or why it is not. */
export type CapabilityRecord = { readonly saved: true; readonly entry: ModelCapabilities } | { readonly saved: false; readonly reason: string };

export type RecordOptions = {
  readonly now?: () => Date;
  /** Told, in one line, when a file that cannot serve as the cache was moved aside (and the cache started afresh). */
  readonly onWarning?: (message: string) => void;
};

/**
 * Merges what was learnt into the cache. Never throws: a cache that cannot be written is skipped,
 * and the result says so. A file in the way (a folder, not JSON) is moved aside, as the store's
 * other files are, rather than left to block every later write.
 */
export async function recordCapability(key: ModelKey, update: CapabilityUpdate, options: RecordOptions = {}): Promise<CapabilityRecord> {
  const file = capabilitiesFile(key.home);
  try {
    await makeDirs(key.home, 0o700);
    // Locked: two processes (or two calls) learning at once would each write back what they read, one entry lost.
    const entry = await withFileLock(`${file}.lock`, async () => {
      const { data, problem } = await readCache(key.home);
      if (problem) await setAside(file, problem, 'started the cache afresh', options.onWarning ?? (() => {}));
      const learnt: ModelCapabilities = { ...data.models[keyOf(key)], ...stripUndefined(update), updatedAt: (options.now ?? (() => new Date()))().toISOString() };
      data.models[keyOf(key)] = learnt;
      await new PrivateJSONFile<CapabilityFile>(file, { pretty: true }).write(data);
      return learnt;
    });
    return { saved: true, entry };
  } catch (error) {
    return { saved: false, reason: writeProblem(error as NodeJS.ErrnoException) };
  }
}

function writeProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'a folder is in the way';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error.message;
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
    optional(entry.toolsSource, isString) &&
    optional(entry.probes, (value) => Array.isArray(value) && value.every((probe) => plainProbe(probe) !== undefined));
  if (!plain) return undefined;
  const capabilities = known<ModelCapabilities>(entry, ['tools', 'structured', 'streaming', 'updatedAt', 'source', 'toolsSource']);
  return entry.probes === undefined ? capabilities : { ...capabilities, probes: (entry.probes as unknown[]).map((probe) => plainProbe(probe)!) };
}

function plainProbe(probe: unknown): ProbeResult | undefined {
  if (!isRecord(probe)) return undefined;
  const plain = isString(probe.capability) && isBoolean(probe.ok) && typeof probe.ms === 'number' && Number.isFinite(probe.ms) && optional(probe.detail, isString);
  return plain ? known<ProbeResult>(probe, ['capability', 'ok', 'ms', 'detail']) : undefined;
}
