import { KsaError } from '../../planning/ksa-error.js';

/** A server that could not be started or reached: one line naming it, its command or URL, and the cause. */
export class McpServerUnavailableError extends KsaError {
  readonly server: string;
  readonly target: string;
  readonly reason: string;

  constructor({ server, target, reason, cause }: { server: string; target: string; reason: string; cause?: unknown }) {
    super({ name: 'McpServerUnavailableError', message: `MCP server "${server}" (${target}): ${reason}`, cause });
    this.server = server;
    this.target = target;
    this.reason = reason;
  }
}

/** The tool answered with `isError: true`; the message is its text. */
export class McpToolError extends KsaError {
  readonly toolName: string;
  readonly result: unknown;

  constructor({ toolName, text, result }: { toolName: string; text: string; result: unknown }) {
    super({ name: 'McpToolError', message: `${toolName}: ${text || 'the tool reported an error without a message'}` });
    this.toolName = toolName;
    this.result = result;
  }
}

/** The call itself failed: no answer in time, or the connection closed while waiting. */
export class McpCallError extends KsaError {
  readonly toolName: string;
  readonly reason: 'timeout' | 'disconnected' | 'protocol';

  constructor({ toolName, reason, message, cause }: { toolName: string; reason: McpCallError['reason']; message: string; cause?: unknown }) {
    super({ name: 'McpCallError', message: `${toolName}: ${message}`, cause });
    this.toolName = toolName;
    this.reason = reason;
  }
}
