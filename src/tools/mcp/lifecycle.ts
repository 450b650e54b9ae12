import { onExit } from 'signal-exit';
import { signalProcessGroup } from '../process-groups.js';

/**
 * MCP servers live as long as the ksa process: stdio servers lead their own
 * process groups (so they do not get the terminal's Ctrl-C in the middle of a
 * rollback that needs them), hence ksa stops them itself. `closeAllMcpServers`
 * is the graceful way (the CLI awaits it before exiting); the exit hook kills
 * whatever is left when ksa exits any other way, Ctrl-C and SIGTERM included.
 * This module stays free of the MCP SDK, so the CLI can import it cheaply.
 */
const groups = new Set<number>();
const closers = new Set<() => Promise<void>>();
let hookInstalled = false;

export function trackServerGroup(pid: number): () => void {
  groups.add(pid);
  installExitHook();
  return () => void groups.delete(pid);
}

/** Registers how to close a set of servers gracefully; returns the unregistration. */
export function onCloseMcpServers(close: () => Promise<void>): () => void {
  closers.add(close);
  return () => void closers.delete(close);
}

/** Closes every server this process started (idempotent; never throws). */
export async function closeAllMcpServers(): Promise<void> {
  const pending = [...closers];
  closers.clear();
  await Promise.all(pending.map((close) => close().catch(() => {})));
}

/** The process groups of the stdio servers still running (for tests and diagnostics). */
export function liveServerGroups(): readonly number[] {
  return [...groups];
}

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  onExit(() => {
    for (const pid of groups) signalProcessGroup(pid, 'SIGKILL');
  });
}
