import type { ValidationIssue } from '../planning/validate.js';
import { isRecord, valueAt } from '../planning/values.js';
import { createBuiltinRegistry } from '../tools/builtin.js';
import type { McpHub } from '../tools/mcp/hub.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { CliIO } from './io.js';
import { loadMcpServers, type McpServers } from './mcp-servers.js';

export type CommandTools = {
  /** Built-in tools, plus the tools of the MCP servers started so far. */
  readonly registry: ToolRegistry;
  readonly hub: McpHub;
  /**
   * Starts the servers a plan document uses (only those) and adds their tools; warns once per failed server,
   * unless the plan is validated next (`validated`): each step that uses it then fails with that server's line.
   */
  prepareFor(document: unknown, options?: { readonly validated?: boolean }): Promise<void>;
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
  return commandTools(await loadMcpServers(io, workspace));
}

/** The built-in tools, plus the tools of the loaded servers as they start. */
export function commandTools({ hub, warn }: McpServers): CommandTools {
  const registry = createBuiltinRegistry();
  // `failures`: whether a server that failed to start is warned about.
  const start = async (names: readonly string[], failures: boolean) => {
    if (names.length === 0) return;
    await hub.start(names);
    if (failures) for (const status of hub.statuses()) if (names.includes(status.name) && status.state === 'failed' && status.reason) warn(status.reason);
    for (const line of hub.addTo(registry)) warn(line);
  };
  return {
    registry,
    hub,
    prepareFor: (document, options) => start(hub.serversUsedBy(planToolNames(document)), options?.validated !== true),
    startAll: () => start(hub.serverNames(), true),
    explain: (issue, document) => {
      if (issue.code !== 'unknown_tool') return issue;
      const name = valueAt(document, issue.path);
      const reason = typeof name === 'string' ? hub.unavailableReason(name) : undefined;
      return reason ? { ...issue, message: reason } : issue;
    },
  };
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
