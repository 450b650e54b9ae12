import path from 'node:path';
import type { ToolRegistry } from '../registry.js';
import type { Tool, ToolAnnotations } from '../tool.js';
import { describeTarget, readUserMcpConfig, readWorkspaceMcpConfig, type McpConfigProblem, type McpServerConfig, type McpServerSource } from './config.js';
import { McpServerUnavailableError } from './errors.js';
import { onCloseMcpServers } from './lifecycle.js';
import { serverSecrets } from './secrets.js';
import type { McpServerSession } from './server-session.js';
import { mcpToolNames, serverPrefix } from './tool-names.js';
import { definitionsHash, isWorkspaceTrusted, TRUST_FILE, trustWorkspace } from './trust.js';

export type McpServerState = 'not_started' | 'starting' | 'ready' | 'failed' | 'untrusted';

export type McpToolSummary = {
  /** The registry name, `<server>__<tool>`. */
  readonly name: string;
  /** The tool's own name on its server. */
  readonly tool: string;
  readonly description: string;
  readonly annotations?: ToolAnnotations;
};

export type McpServerStatus = {
  readonly name: string;
  readonly source: McpServerSource;
  readonly file: string;
  /** Its command line or URL. */
  readonly target: string;
  readonly state: McpServerState;
  /** Why it is failed or untrusted, as one line naming the server. */
  readonly reason?: string;
  readonly tools: readonly McpToolSummary[];
  /** Tools of its list left out (no inputSchema, …), one line each naming the tool and why. */
  readonly warnings?: readonly string[];
};

/** The workspace's `.mcp.json`, and whether its current definitions are trusted. */
export type WorkspaceMcpFile = {
  readonly file: string;
  readonly workspace: string;
  readonly sha256: string;
  readonly servers: readonly string[];
  readonly trusted: boolean;
};

type Entry = {
  readonly config: McpServerConfig;
  readonly target: string;
  state: McpServerState;
  reason?: string;
  started?: Promise<void>;
  session?: McpServerSession;
  tools: Tool[];
  summaries: McpToolSummary[];
  warnings: readonly string[];
};

export type LoadMcpOptions = {
  readonly home: string;
  /** Where `.mcp.json` is looked for; none when undefined. */
  readonly workspace?: string;
  /** The environment `${VAR}`s expand from. */
  readonly env: NodeJS.ProcessEnv;
  /** Relative `cwd`s of user-level servers resolve from here. */
  readonly cwd: string;
};

/**
 * The MCP servers of one ksa process: read from `$KSA_HOME/config.json` and the
 * workspace's `.mcp.json` (used once trusted), started lazily and in parallel,
 * each at most once, and closed with the process. Their tools join a
 * ToolRegistry as `<server>__<tool>`.
 */
export class McpHub {
  private readonly entries = new Map<string, Entry>();
  private unregisterClose: (() => void) | undefined;
  private closed = false;

  private constructor(
    private readonly options: LoadMcpOptions,
    /** Config lines that name no usable server (a file that is not JSON, a bad entry). */
    readonly problems: readonly McpConfigProblem[],
    private workspaceFile: WorkspaceMcpFile | undefined,
    servers: readonly McpServerConfig[],
  ) {
    for (const config of servers) {
      const untrusted = config.source === 'workspace' && !workspaceFile?.trusted;
      this.entries.set(config.name, { config, target: targetOf(config), state: untrusted ? 'untrusted' : 'not_started', tools: [], summaries: [], warnings: [] });
      if (untrusted) this.entries.get(config.name)!.reason = untrustedLine(config, this.workspaceFile!);
    }
  }

  static async load(options: LoadMcpOptions): Promise<McpHub> {
    const [user, workspace] = await Promise.all([
      readUserMcpConfig(options.home, options.cwd),
      options.workspace ? readWorkspaceMcpConfig(options.workspace) : undefined,
    ]);
    const problems = [...user.problems, ...(workspace?.problems ?? [])];
    const servers: McpServerConfig[] = [];
    for (const server of user.servers) admitServer(servers, server, problems);
    let workspaceFile: WorkspaceMcpFile | undefined;
    if (workspace && options.workspace && Object.keys(workspace.definitions).length > 0) {
      const sha256 = definitionsHash(workspace.definitions);
      const dir = path.resolve(options.workspace);
      const trust = await isWorkspaceTrusted(options.home, dir, sha256);
      if (trust.problem) problems.push({ file: path.join(options.home, TRUST_FILE), message: `${trust.problem}; no workspace's MCP servers count as trusted until it is fixed, or they are trusted again` });
      workspaceFile = { file: workspace.file, workspace: dir, sha256, servers: Object.keys(workspace.definitions), trusted: trust.trusted };
      for (const server of workspace.servers) admitServer(servers, server, problems);
    }
    return new McpHub(options, problems, workspaceFile, servers);
  }

  /** The workspace file, if it has servers. */
  workspace(): WorkspaceMcpFile | undefined {
    return this.workspaceFile;
  }

  serverNames(): string[] {
    return [...this.entries.keys()];
  }

  /** Servers of the workspace file not trusted yet. */
  untrustedServers(): string[] {
    return [...this.entries.values()].filter((entry) => entry.state === 'untrusted').map((entry) => entry.config.name);
  }

  /** Trusts the workspace's current definitions (kept in KSA_HOME) and makes its servers usable now. */
  /** `onWarning` hears of a trust file that could not be read (moved aside before this trust was written), and of a wait for its lock. */
  async trustWorkspace(onWarning: (message: string) => void = () => {}): Promise<WorkspaceMcpFile | undefined> {
    const file = this.workspaceFile;
    if (!file) return undefined;
    const { problem, setAside } = await trustWorkspace(this.options.home, file.workspace, file.sha256, file.servers, onWarning);
    if (problem) onWarning(`${problem}; ${setAside ? `moved it to ${setAside}: ` : ''}the workspaces trusted in it need trusting again (this one is)`);
    this.workspaceFile = { ...file, trusted: true };
    for (const entry of this.entries.values()) {
      if (entry.state === 'untrusted') {
        entry.state = 'not_started';
        delete entry.reason;
      }
    }
    return this.workspaceFile;
  }

  /** The servers whose tools these names refer to (`<server>__…`). */
  serversUsedBy(toolNames: Iterable<string>): string[] {
    const names = [...toolNames];
    return this.serverNames().filter((server) => names.some((name) => name.startsWith(serverPrefix(server))));
  }

  /**
   * The secrets the servers' entries hold (see serverSecrets), for the stores to hide as they hide secret
   * environment variables: a server may echo them in a tool's answer. Untrusted entries' too: trust may come later.
   */
  secrets(): string[] {
    return [...new Set([...this.entries.values()].flatMap((entry) => serverSecrets(entry.config.transport, this.options.env)))];
  }

  /** Starts the given servers (default: all usable ones) in parallel; each server starts once per hub. Never throws. */
  async start(names: readonly string[] = this.serverNames()): Promise<void> {
    const wanted = names.map((name) => this.entries.get(name)).filter((entry): entry is Entry => entry !== undefined);
    await Promise.all(wanted.map((entry) => this.startOne(entry)));
  }

  private startOne(entry: Entry): Promise<void> {
    if (entry.state === 'untrusted' || this.closed) return Promise.resolve();
    entry.started ??= (async () => {
      entry.state = 'starting';
      this.unregisterClose ??= onCloseMcpServers(() => this.close());
      try {
        const [{ McpServerSession }, { createMcpTool }] = await Promise.all([import('./server-session.js'), import('./mcp-tool.js')]);
        const session = await McpServerSession.start(entry.config, this.options.env);
        if (this.closed) {
          await session.close();
          throw new Error('ksa is exiting');
        }
        entry.session = session;
        entry.warnings = session.skipped;
        const names = mcpToolNames(entry.config.name, session.tools.map((definition) => definition.name));
        entry.tools = session.tools.map((definition, i) => createMcpTool(session, definition, names[i]));
        entry.summaries = session.tools.map((definition, i) => ({
          name: entry.tools[i]!.name,
          tool: definition.name,
          description: definition.description?.trim() || definition.title || '',
          ...(definition.annotations ? { annotations: definition.annotations as ToolAnnotations } : {}),
        }));
        entry.state = 'ready';
      } catch (error) {
        entry.state = 'failed';
        entry.reason = McpServerUnavailableError.isInstance(error)
          ? error.message
          : new McpServerUnavailableError({ server: entry.config.name, target: entry.target, reason: (error as Error).message }).message;
      }
    })();
    return entry.started;
  }

  statuses(): McpServerStatus[] {
    return [...this.entries.values()].map((entry) => ({
      name: entry.config.name,
      source: entry.config.source,
      file: entry.config.file,
      target: entry.target,
      state: entry.state,
      ...(entry.reason ? { reason: entry.reason } : {}),
      tools: entry.summaries,
      ...(entry.warnings.length > 0 ? { warnings: entry.warnings } : {}),
    }));
  }

  /** The tools of the servers that are ready. */
  tools(): Tool[] {
    return [...this.entries.values()].flatMap((entry) => entry.tools);
  }

  /**
   * Adds the ready servers' tools that the registry does not have yet. Returns
   * one line per tool left out (its name is taken, e.g. by a built-in tool, or
   * its server listed it in a shape ksa cannot use).
   */
  addTo(registry: ToolRegistry): string[] {
    const skipped = [...this.entries.values()].flatMap((entry) => entry.warnings);
    for (const tool of this.tools()) {
      const existing = registry.get(tool.name);
      if (existing === tool) continue;
      if (existing) {
        skipped.push(`MCP tool "${tool.mcp!.tool}" of server "${tool.mcp!.server}" is left out: the name ${tool.name} is already taken`);
        continue;
      }
      registry.register(tool);
    }
    return skipped;
  }

  /** Why a `<server>__…` tool is not available (its server failed, is untrusted or misconfigured), as one line; undefined if unknown. */
  unavailableReason(toolName: string): string | undefined {
    for (const entry of this.entries.values()) {
      if (!toolName.startsWith(serverPrefix(entry.config.name))) continue;
      if (entry.reason) return entry.reason;
      if (entry.state === 'ready') return `MCP server "${entry.config.name}" has no tool named ${toolName} (its tools: ${entry.tools.map((tool) => tool.name).join(', ') || 'none'})`;
    }
    const problem = this.problems.find((candidate) => candidate.server !== undefined && toolName.startsWith(serverPrefix(candidate.server)));
    return problem?.message;
  }

  /** Whether close() was called: a closed hub starts no server again. */
  isClosed(): boolean {
    return this.closed;
  }

  /** Stops every server this hub started (stdio: the whole process group). */
  async close(): Promise<void> {
    this.closed = true;
    this.unregisterClose?.();
    this.unregisterClose = undefined;
    const sessions = [...this.entries.values()].map((entry) => entry.session).filter((session) => session !== undefined);
    for (const entry of this.entries.values()) delete entry.session;
    await Promise.all(sessions.map((session) => session.close()));
  }
}

/**
 * Adds a server unless one already there would share its tools' names: the same
 * name (a repository cannot replace a server the user configured), or a name
 * that only differs in characters a tool name cannot hold (`a.b` and `a_b` are
 * both `a_b__…`), where one server's tools would hide the other's.
 */
function admitServer(servers: McpServerConfig[], server: McpServerConfig, problems: McpConfigProblem[]): void {
  const at = `${server.file}: mcpServers.${server.name}`;
  const same = servers.find((known) => known.name === server.name);
  if (same) {
    problems.push({ server: server.name, file: server.file, message: `${at}: ignored, ${same.source === 'user' ? '$KSA_HOME/config.json' : same.file} defines a server of that name` });
    return;
  }
  const prefix = serverPrefix(server.name);
  // `a` and `a__b` overlap too: tool `b__c` of the one and `c` of the other are both a__b__c.
  const twin = servers.find((known) => prefix.startsWith(serverPrefix(known.name)) || serverPrefix(known.name).startsWith(prefix));
  if (twin) {
    const theirs = serverPrefix(twin.name);
    const named = theirs === prefix ? `would be named ${prefix}… as those of` : `(${prefix}…) could take the names of those of`;
    problems.push({ server: server.name, file: server.file, message: `${at}: ignored, its tools ${named} server "${twin.name}"${theirs === prefix ? '' : ` (${theirs}…)`}${twin.file === server.file ? '' : ` (${twin.file})`}; rename one of them` });
    return;
  }
  servers.push(server);
}

function targetOf(config: McpServerConfig): string {
  return describeTarget(config.transport);
}

function untrustedLine(config: McpServerConfig, file: WorkspaceMcpFile): string {
  return `MCP server "${config.name}" (${targetOf(config)}) from ${file.file} is not trusted yet: review that file, then run "ksa mcp trust" in ${file.workspace}`;
}
