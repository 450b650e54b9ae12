import { createHash } from 'node:crypto';
import path from 'node:path';
import { PrivateJSONFile } from '../../store/private-json-file.js';
import { ensurePrivateDir } from '../../store/paths.js';

/**
 * A workspace's `.mcp.json` starts commands someone else may have written, so
 * its servers are used only once the user trusts that file's server
 * definitions. The decision is kept in `$KSA_HOME/mcp-trust.json`, keyed by the
 * workspace folder and a hash of the definitions: a changed file asks again.
 */
export const TRUST_FILE = 'mcp-trust.json';

export type TrustEntry = { readonly sha256: string; readonly servers: readonly string[]; readonly trustedAt: string };
type TrustDocument = { version: 1; workspaces: Record<string, TrustEntry> };

/** sha256 of the definitions with their keys sorted, so reformatting the file keeps the trust. */
export function definitionsHash(definitions: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(stableStringify(definitions)).digest('hex');
}

export async function isWorkspaceTrusted(home: string, workspace: string, sha256: string): Promise<boolean> {
  const document = await readTrust(home);
  return document.workspaces[path.resolve(workspace)]?.sha256 === sha256;
}

export async function trustWorkspace(home: string, workspace: string, sha256: string, servers: readonly string[]): Promise<TrustEntry> {
  const document = await readTrust(home);
  const entry: TrustEntry = { sha256, servers: [...servers], trustedAt: new Date().toISOString() };
  document.workspaces[path.resolve(workspace)] = entry;
  await ensurePrivateDir(home);
  await trustFile(home).write(document);
  return entry;
}

async function readTrust(home: string): Promise<TrustDocument> {
  try {
    const parsed = await trustFile(home).read();
    const workspaces = parsed?.workspaces;
    if (typeof workspaces === 'object' && workspaces !== null) return { version: 1, workspaces: { ...workspaces } };
  } catch {
    // Missing or unreadable: nothing is trusted (the safe answer); `ksa mcp trust` writes it anew.
  }
  return { version: 1, workspaces: {} };
}

/** 0600, temp file + fsync + rename: the same private write as every file of the store. */
function trustFile(home: string): PrivateJSONFile<Partial<TrustDocument>> {
  return new PrivateJSONFile(path.join(home, TRUST_FILE), { pretty: true });
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
