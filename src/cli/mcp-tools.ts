import type { ValidationIssue } from '../planning/validate.js';
import { isRecord, valueAt } from '../planning/values.js';
import { ksaHome } from '../store/paths.js';
import { createBuiltinRegistry } from '../tools/builtin.js';
import { McpHub } from '../tools/mcp/hub.js';
import type { ToolRegistry } from '../tools/registry.js';
import { askApproval, canPrompt } from './approval.js';
import type { CliIO } from './io.js';

export type CommandTools = {
  /** Built-in tools, plus the tools of the MCP servers started so far. */
  readonly registry: ToolRegistry;
  readonly hub: McpHub;
  /** Starts the servers a plan document uses (only those) and adds their tools; warns once per failed server. */
  prepareFor(document: unknown): Promise<void>;
  /** Starts every usable server and adds their tools (the planner and the chat see all of them). */
  startAll(): Promise<void>;
  /** A plan's unknown `<server>__…` tool explained by its server's one line (failed, untrusted, misconfigured). */
  explain(issue: ValidationIssue, document: unknown): ValidationIssue;
};

/**
 * The one tool registry of a command: built-in tools and the MCP servers of
 * `$KSA_HOME/config.json` and `<workspace>/.mcp.json`. Servers start lazily:
 * `ksa validate` and `ksa run` start only the servers their plan uses.
 */
export async function openCommandTools(io: CliIO, workspace: string | undefined): Promise<CommandTools> {
  const registry = createBuiltinRegistry();
  const hub = await McpHub.load({ home: ksaHome(io.env), workspace, env: io.env, cwd: io.cwd });
  const warned = new Set<string>();
  const warn = (line: string) => {
    if (warned.has(line)) return;
    warned.add(line);
    io.stderr.write(`ksa: warning: ${line}\n`);
  };
  for (const problem of hub.problems) warn(problem.message);
  const untrusted = hub.untrustedServers();
  const file = hub.workspace();
  if (untrusted.length > 0 && file) {
    warn(`MCP servers in ${file.file} are not used until you trust them: ${untrusted.join(', ')}; review the file, then run "ksa mcp trust"${workspace && workspace !== io.cwd ? ` --workspace ${workspace}` : ''}`);
  }
  const start = async (names: readonly string[]) => {
    if (names.length === 0) return;
    await hub.start(names);
    for (const status of hub.statuses()) if (names.includes(status.name) && status.state === 'failed' && status.reason) warn(status.reason);
    for (const line of hub.addTo(registry)) warn(line);
  };
  return {
    registry,
    hub,
    prepareFor: (document) => start(hub.serversUsedBy(planToolNames(document))),
    startAll: () => start(hub.serverNames()),
    explain: (issue, document) => {
      if (issue.code !== 'unknown_tool') return issue;
      const name = valueAt(document, issue.path);
      const reason = typeof name === 'string' ? hub.unavailableReason(name) : undefined;
      return reason ? { ...issue, message: reason } : issue;
    },
  };
}

/**
 * The chat asks once per session whether to use the workspace's untrusted
 * servers; yes is remembered in KSA_HOME (until the file changes).
 */
export async function askToTrustWorkspace(io: CliIO, tools: CommandTools): Promise<void> {
  const untrusted = tools.hub.untrustedServers();
  const file = tools.hub.workspace();
  if (untrusted.length === 0 || !file || !canPrompt(io)) return;
  const servers = tools.hub.statuses().filter((status) => untrusted.includes(status.name));
  io.stderr.write(`${file.file} defines MCP servers that ksa would start:\n`);
  for (const server of servers) io.stderr.write(`  ${server.name}: ${server.target}\n`);
  const answer = await askApproval(io, 'Trust them and use their tools?');
  if (answer === 'approved') {
    await tools.hub.trustWorkspace();
    io.stderr.write(`Trusted (kept until ${file.file} changes).\n`);
  } else {
    io.stderr.write('Not trusted: their tools are not used in this session.\n');
  }
}

/** Every tool name a plan document mentions (steps and rollbacks), read without validating it. */
export function planToolNames(document: unknown): string[] {
  const steps = isRecord(document) && Array.isArray(document.steps) ? document.steps : [];
  const names: string[] = [];
  for (const step of steps) {
    if (!isRecord(step)) continue;
    if (typeof step.tool === 'string') names.push(step.tool);
    if (isRecord(step.rollback) && typeof step.rollback.tool === 'string') names.push(step.rollback.tool);
  }
  return names;
}
