import { createHash } from 'node:crypto';
import path from 'node:path';
import { PrivateJSONFile } from '../../store/private-json-file.js';
import { ensurePrivateDir } from '../../store/paths.js';
import { withFileLock } from '../../store/file-lock.js';
import { moveAside } from '../../store/set-aside.js';

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

/** Whether this workspace's definitions are trusted; `problem` when the trust file cannot be read (then nothing is). */
export async function isWorkspaceTrusted(home: string, workspace: string, sha256: string): Promise<{ trusted: boolean; problem?: string }> {
  const { document, problem } = await readTrust(home);
  return { trusted: document.workspaces[path.resolve(workspace)]?.sha256 === sha256, ...(problem ? { problem } : {}) };
}

/**
 * Trusts a workspace's definitions. Read, changed and written under a lock: two `ksa mcp trust` at once
 * each keep their workspace. A trust file that cannot be read is moved aside (`setAside`), not overwritten:
 * the other workspaces' trust is in it.
 */
export async function trustWorkspace(
  home: string,
  workspace: string,
  sha256: string,
  servers: readonly string[],
  onWait: (message: string) => void = () => {},
): Promise<{ setAside?: string; problem?: string }> {
  await ensurePrivateDir(home);
  const lockFile = path.join(home, `.${TRUST_FILE}.lock`);
  // A holder slowed by a busy machine keeps the lock (a dead one is known by its pid at once).
  return withFileLock(lockFile, async () => {
    const { document, problem } = await readTrust(home);
    const setAside = problem === undefined ? undefined : await moveAside(path.join(home, TRUST_FILE));
    const entry: TrustEntry = { sha256, servers: [...servers], trustedAt: new Date().toISOString() };
    document.workspaces[path.resolve(workspace)] = entry;
    await trustFile(home).write(document);
    return { ...(problem ? { problem } : {}), ...(setAside ? { setAside } : {}) };
  }, { timeoutMs: 60_000, staleMs: 15_000, onWait: (holder) => onWait(`waiting for ${lockFile}, held by ${holder} (ksa takes it over once it is 15 s old)`) });
}

async function readTrust(home: string): Promise<{ document: TrustDocument; problem?: string }> {
  const file = path.join(home, TRUST_FILE);
  try {
    const parsed = await trustFile(home).read();
    if (parsed === null) return { document: { version: 1, workspaces: {} } };
    const workspaces = parsed.workspaces;
    if (typeof workspaces === 'object' && workspaces !== null && !Array.isArray(workspaces)) return { document: { version: 1, workspaces: { ...workspaces } } };
    return { document: { version: 1, workspaces: {} }, problem: `${file}: cannot read it (no "workspaces" object in it)` };
  } catch (error) {
    // Unreadable: nothing is trusted (the safe answer), and the user is told why.
    const why = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
    return { document: { version: 1, workspaces: {} }, problem: `${file}: cannot read it (${why})` };
  }
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
