// MCP servers as a source of tools. The SDK loads only when a server starts.
export { McpHub } from './hub.js';
export type { LoadMcpOptions, McpServerState, McpServerStatus, McpToolSummary, WorkspaceMcpFile } from './hub.js';
export { DEFAULT_MCP_STARTUP_TIMEOUT_MS, DEFAULT_MCP_TIMEOUT_MS, WORKSPACE_MCP_FILE, describeTarget, readUserMcpConfig, readWorkspaceMcpConfig } from './config.js';
export type { McpConfigProblem, McpServerConfig, McpServerSource, McpTransportConfig } from './config.js';
export { McpCallError, McpServerUnavailableError, McpToolError } from './errors.js';
export { closeAllMcpServers, liveServerGroups } from './lifecycle.js';
export { mcpToolName, mcpToolNames, serverPrefix } from './tool-names.js';
export { definitionsHash, TRUST_FILE } from './trust.js';
