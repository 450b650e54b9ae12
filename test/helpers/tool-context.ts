import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OutputStream } from '../../src/planning/index.js';
import type { ToolContext } from '../../src/tools/index.js';

export type RecordedLine = { readonly line: string; readonly stream: OutputStream; readonly at: number };

/** A real ToolContext whose output lines are recorded in arrival order. */
export function createToolContext(workspace: string, signal: AbortSignal = new AbortController().signal): ToolContext & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  return { workspace, signal, lines, onOutput: (line, stream) => lines.push({ line, stream, at: Date.now() }) };
}

/** A fresh directory under the OS temp dir (real path, so assertions can compare paths). */
export async function createTempDir(prefix = 'ksa-tools-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Alive = signalable and not a zombie (a killed orphan stays a zombie when PID 1 does not reap). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Polls until `check` holds or the time is up; returns the last result. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000, intervalMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
