import path from 'node:path';
import { McpHub, type McpServerStatus } from '../../tools/index.js';
import { ksaHome } from '../../store/index.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { workspaceOption } from '../workspace-option.js';
import { trustBlockedByRun } from '../mcp-servers.js';
import { plural } from '../../planning/plural.js';

export type McpFlags = { json?: boolean; workspace?: string };

function workspaceOf(io: CliIO, flags: McpFlags): Promise<string> {
  return workspaceOption(io.cwd, flags.workspace, io.cwd);
}

/** Starts every usable server (in parallel) and shows each one's state and tools. */
export async function mcpListCommand(io: CliIO, flags: McpFlags): Promise<ExitCodeValue> {
  const hub = await McpHub.load({ home: ksaHome(io.env), workspace: await workspaceOf(io, flags), env: io.env, cwd: io.cwd });
  await hub.start();
  const servers = hub.statuses();
  const problems = hub.problems.map((problem) => problem.message);
  if (flags.json) {
    const file = hub.workspace();
    const workspace = file ? { file: file.file, trusted: file.trusted, servers: file.servers } : undefined;
    writeLine(io.stdout, JSON.stringify({ servers, problems, ...(workspace ? { workspace } : {}) }, null, 2));
    return ExitCode.ok;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  if (servers.length === 0 && problems.length === 0) {
    writeLine(io.stdout, 'No MCP servers configured. Add them under "mcpServers" in $KSA_HOME/config.json or in the workspace\'s .mcp.json (see the README).');
    return ExitCode.ok;
  }
  for (const server of servers) {
    writeLine(io.stdout, `${style.bold(server.name)} ${style.dim(`(${server.source}, ${server.target})`)}: ${stateText(server, style)}`);
    const width = Math.max(0, ...server.tools.map((tool) => tool.name.length));
    for (const tool of server.tools) writeLine(io.stdout, `  ${tool.name.padEnd(width)}  ${style.dim(firstSentence(tool.description))}`);
  }
  for (const line of [...servers.flatMap((server) => server.warnings ?? []), ...problems]) writeLine(io.stdout, `${style.yellow('!')} ${line}`);
  return ExitCode.ok;
}

/** Trusts the current definitions of the workspace's .mcp.json (kept in KSA_HOME; a changed file needs trust again). */
export async function mcpTrustCommand(io: CliIO, flags: McpFlags): Promise<ExitCodeValue> {
  const workspace = await workspaceOf(io, flags);
  const hub = await McpHub.load({ home: ksaHome(io.env), workspace, env: io.env, cwd: io.cwd });
  const before = hub.workspace();
  if (!before) {
    // A file that is there but cannot be read says why, not that there is nothing to trust.
    const file = path.join(workspace, '.mcp.json');
    const broken = hub.problems.find((problem) => problem.file === file && problem.server === undefined);
    throw new CliError({ message: broken ? `${broken.message}; fix it, then trust it` : `${file}: no MCP servers to trust (no such file, or no "mcpServers" in it)` });
  }
  // Already trusted: nothing to write (a write would only renew the date).
  if (!before.trusted) {
    const blocked = await trustBlockedByRun(ksaHome(io.env));
    if (blocked) throw new CliError({ message: blocked });
  }
  const file = before.trusted ? before : (await hub.trustWorkspace((message) => writeWarning(io.stderr, message)))!;
  const servers = hub.statuses().filter((status) => status.source === 'workspace');
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify({ file: file.file, workspace: file.workspace, sha256: file.sha256, trusted: true, alreadyTrusted: before.trusted, servers: file.servers }, null, 2));
    return ExitCode.ok;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  writeLine(io.stdout, `${style.green('✓')} ${before.trusted ? 'Already trusted' : 'Trusted'}: the MCP servers of ${file.file}`);
  for (const server of servers) writeLine(io.stdout, `  ${server.name}: ${server.target}`);
  for (const name of file.servers.filter((name) => !servers.some((server) => server.name === name))) writeLine(io.stdout, `  ${name}: ${whyLeftOut(hub, file.file, name)}`);
  writeLine(io.stdout, style.dim('ksa asks again if the file changes. See their tools with: ksa mcp list'));
  return ExitCode.ok;
}

/** What `ksa mcp list` says of a server of the file that is not among the usable ones (shadowed, or badly defined). */
function whyLeftOut(hub: McpHub, file: string, name: string): string {
  const at = `${file}: mcpServers.${name}: `;
  const problem = hub.problems.find((found) => found.file === file && found.server === name && found.message.startsWith(at));
  return problem ? problem.message.slice(at.length) : '(not usable, see ksa mcp list)';
}

function stateText(server: McpServerStatus, style: ReturnType<typeof createStyler>): string {
  switch (server.state) {
    case 'ready':
      return `${style.green('ready')}, ${plural(server.tools.length, 'tool')}`;
    case 'untrusted':
      return `${style.yellow('not trusted')}: review ${server.file}, then run "ksa mcp trust"`;
    case 'failed':
      return `${style.red('failed')}: ${withoutServerPrefix(server) ?? 'unknown cause'}`;
    default:
      return server.state;
  }
}

/** The reason without the `MCP server "x" (its command): ` its line already starts with (the command may hold parentheses). */
function withoutServerPrefix(server: McpServerStatus): string | undefined {
  const prefix = `MCP server "${server.name}" (${server.target}): `;
  return server.reason?.startsWith(prefix) ? server.reason.slice(prefix.length) : server.reason?.replace(/^MCP server "[^"]+" \([^)]*\): /, '');
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
