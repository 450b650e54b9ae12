import { ksaHome } from '../store/paths.js';
import { McpHub } from '../tools/mcp/hub.js';
import { askApproval, canPrompt } from './approval.js';
import { writeWarning, type CliIO } from './io.js';
import { visible } from '../tui/visible-text.js';

/** The MCP servers a command may use, loaded (none started), and its once-per-line warning channel. */
export type McpServers = {
  readonly hub: McpHub;
  /** Writes a warning to stderr, once per distinct line. */
  readonly warn: (line: string) => void;
};

/**
 * The servers of `$KSA_HOME/config.json` and `<workspace>/.mcp.json`, with
 * their configuration problems and the workspace's untrusted servers warned.
 * Kept apart from the tool registry: the chat asks about trust before its
 * first frame and builds the registry after it. `write`: where the warnings go
 * (stderr; in an open chat, its transcript).
 */
export async function loadMcpServers(io: CliIO, workspace: string | undefined, write: (line: string) => void = (line) => writeWarning(io.stderr, line)): Promise<McpServers> {
  const hub = await McpHub.load({ home: ksaHome(io.env), workspace, env: io.env, cwd: io.cwd });
  const warn = onceEachLine(write);
  for (const problem of hub.problems) warn(problem.message);
  const untrusted = hub.untrustedServers();
  const file = hub.workspace();
  if (untrusted.length > 0 && file) {
    warn(`MCP servers in ${file.file} are not used until you trust them: ${untrusted.join(', ')}; review the file, then run "ksa mcp trust${workspace && workspace !== io.cwd ? ` --workspace ${workspace}` : ''}"`);
  }
  return { hub, warn };
}

/** Passes each distinct line to `write` once: a server's problem is said once, however often it comes up. */
export function onceEachLine(write: (line: string) => void): (line: string) => void {
  const seen = new Set<string>();
  return (line) => {
    if (seen.has(line)) return;
    seen.add(line);
    write(line);
  };
}

/**
 * The chat asks once per session whether to use the workspace's untrusted
 * servers; yes is remembered in KSA_HOME (until the file changes).
 */
export async function askToTrustWorkspace(io: CliIO, { hub }: { readonly hub: McpHub }): Promise<void> {
  const untrusted = hub.untrustedServers();
  const file = hub.workspace();
  if (untrusted.length === 0 || !file || !canPrompt(io)) return;
  const servers = hub.statuses().filter((status) => untrusted.includes(status.name));
  io.stderr.write(`${file.file} defines MCP servers that ksa would start:\n`);
  for (const server of servers) io.stderr.write(`  ${visible(server.name)}: ${visible(server.target)}\n`);
  const answer = await askApproval(io, 'Trust them and use their tools?');
  const blocked = answer === 'approved' ? await trustBlockedByRun(ksaHome(io.env)) : undefined;
  if (blocked) {
    io.stderr.write(`Not trusted: ${visible(blocked)}.\n`);
  } else if (answer === 'approved') {
    await hub.trustWorkspace((message) => writeWarning(io.stderr, message));
    io.stderr.write(`Trusted (kept until ${file.file} changes).\n`);
  } else {
    io.stderr.write('Not trusted: their tools are not used in this session.\n');
  }
}

/**
 * Why a trust may not be given now: a run going in this KSA_HOME watches ksa's settings around its steps, and
 * would put the trust file back and fail the step it is running (it cannot tell who changed the file).
 */
export async function trustBlockedByRun(home: string): Promise<string | undefined> {
  const [{ RunStore }, { ownerName }] = await Promise.all([import('../store/run-store.js'), import('../store/run-lock.js')]);
  const live = await new RunStore(home, { onWarning: () => {} }).liveRuns().catch(() => []);
  const first = live[0];
  if (!first) return undefined;
  const more = live.length > 1 ? ` (and ${live.length - 1} more)` : '';
  return `run ${first.runId} is running in ${ownerName(first.owner)} (${first.owner.command})${more}: its settings watch would put a trust given now back, and fail the step it runs; trust the workspace once ${live.length > 1 ? 'they have' : 'it has'} ended (ksa status ${first.runId})`;
}
