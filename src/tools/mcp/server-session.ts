import { stat } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ProgressNotificationSchema, type CallToolResult, type Progress, type Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { createRedactor, secretValues, type Redactor } from '../../store/redact.js';
import { VERSION } from '../../version.js';
import { describeTarget, type McpServerConfig, type McpTransportConfig } from './config.js';
import { McpCallError, McpServerUnavailableError } from './errors.js';
import { expandTransport } from './expand.js';
import { serverSecrets } from './secrets.js';
import { MAX_MESSAGE_MB, ProcessGroupStdioTransport } from './stdio-transport.js';
import { invalidAnswer } from './invalid-answer.js';
import { listServerTools, type ListedTools } from './tool-list.js';
import { withUrlCredentials } from '../url-credentials.js';
import { stderrReason } from './stderr-reason.js';

export type { McpToolDefinition };

/**
 * One connected MCP server (official SDK client: it has a per-request timeout
 * and sends `notifications/cancelled` when a call is aborted). A server whose
 * connection closed is started again by the next call.
 */
export class McpServerSession {
  private client: Client | undefined;
  private transport: Transport | undefined;
  private reconnecting: Promise<void> | undefined;
  /** Progress listeners by the token ksa sent with the call (see `call`). */
  private readonly progress = new Map<string, (progress: Progress) => void>();
  private progressTokens = 0;
  readonly tools: readonly McpToolDefinition[];
  /** One line per tool of its list left out (see listServerTools). */
  readonly skipped: readonly string[];

  private constructor(
    readonly config: McpServerConfig,
    private readonly env: NodeJS.ProcessEnv,
    /** Hides the secrets of the environment and of the entry in what the session says (a server's stderr may hold them). */
    private readonly redactor: Redactor,
    listed: ListedTools,
    connection: { client: Client; transport: Transport },
  ) {
    this.tools = listed.tools;
    this.skipped = listed.skipped;
    this.adopt(connection);
  }

  get target(): string {
    return describeTarget(this.config.transport);
  }

  /** Connects, lists the tools (every page) and keeps the connection; failures are McpServerUnavailableError. */
  static async start(config: McpServerConfig, env: NodeJS.ProcessEnv): Promise<McpServerSession> {
    const redactor = createRedactor([...secretValues(env), ...serverSecrets(config.transport, env)]);
    const connection = await connect(config, env, redactor);
    try {
      const listed = await listServerTools(connection.client, config.name, config.startupTimeoutMs);
      return new McpServerSession(config, env, redactor, listed, connection);
    } catch (error) {
      const reason = redactor.text(startFailure(config, answeredError(error, connection.client), connection.transport));
      await connection.client.close().catch(() => {});
      throw new McpServerUnavailableError({ server: config.name, target: describeTarget(config.transport), reason, cause: error });
    }
  }

  /** Calls a tool; `signal` aborts it (the server is told), `timeoutMs` bounds it. Protocol results come back as they are, isError included. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal, toolName: string, onProgress?: (line: string) => void): Promise<CallToolResult> {
    if (!this.client) await this.restart();
    const client = this.client!;
    const transport = this.transport;
    // ksa routes progress itself instead of through the SDK's `onprogress`: the SDK drops its listener as soon as the
    // answer is read, so a last progress read in the same chunk as the answer (a server that reports, then answers)
    // was lost. Here the listener lives until the call has returned, after every notification read before the answer.
    const progressToken = onProgress ? `ksa-${++this.progressTokens}` : undefined;
    if (progressToken) this.progress.set(progressToken, (p) => onProgress!(progressLine(p)));
    try {
      const params = { name: tool, arguments: args, ...(progressToken ? { _meta: { progressToken } } : {}) };
      return (await client.callTool(params, undefined, { signal, timeout: this.config.timeoutMs })) as CallToolResult;
    } catch (thrown) {
      if (signal.aborted) throw signal.reason;
      const error = answeredError(thrown, client);
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        throw new McpCallError({
          toolName,
          reason: 'timeout',
          message: `no answer from MCP server "${this.config.name}" within ${this.config.timeoutMs} ms (its timeoutMs); the call was cancelled`,
          cause: error,
        });
      }
      if (this.client !== client || isDisconnect(error)) {
        this.forget(client);
        throw new McpCallError({
          toolName,
          reason: 'disconnected',
          message: `MCP server "${this.config.name}" (${this.target}) ${this.redactor.text(ended(transport, 'during the call'))}`,
          cause: error,
        });
      }
      throw new McpCallError({ toolName, reason: 'protocol', message: this.redactor.text(describeError(error)), cause: error });
    } finally {
      if (progressToken) this.progress.delete(progressToken);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => {});
    await this.transport?.close().catch(() => {});
  }

  private adopt({ client, transport }: { client: Client; transport: Transport }): void {
    this.client = client;
    this.transport = transport;
    client.onclose = () => this.forget(client);
    // Progress for a call that has ended (cancelled, timed out) is dropped without an error.
    client.setNotificationHandler(ProgressNotificationSchema, ({ params: { progressToken, ...progress } }) => {
      this.progress.get(String(progressToken))?.(progress);
    });
    client.onerror = (error) => {
      // An HTTP server that went away: its event stream cannot be reopened. Closing the client fails
      // the calls waiting for it now (as a closed connection) instead of at their timeout.
      if (/^(Maximum reconnection attempts|Failed to reconnect SSE stream: .*fetch failed)/.test(error.message)) {
        this.forget(client);
        void client.close().catch(() => {});
      }
    };
  }

  private forget(client: Client): void {
    if (this.client === client) this.client = undefined;
  }

  /** After a crash: start the server again (once, however many calls wait for it). */
  private restart(): Promise<void> {
    this.reconnecting ??= (async () => {
      try {
        await this.transport?.close().catch(() => {});
        this.adopt(await connect(this.config, this.env, this.redactor));
      } finally {
        this.reconnecting = undefined;
      }
    })();
    return this.reconnecting;
  }
}

/** Reopening a dropped event stream: a few quick tries, so a server that is gone is noticed within about a second. */
const RECONNECTION = { initialReconnectionDelay: 200, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2, maxRetries: 3 };

async function connect(config: McpServerConfig, env: NodeJS.ProcessEnv, redactor: Redactor): Promise<{ client: Client; transport: Transport }> {
  const fail = (reason: string, cause?: unknown) =>
    new McpServerUnavailableError({ server: config.name, target: describeTarget(config.transport), reason: redactor.text(reason), cause });
  let transport: McpTransportConfig;
  try {
    transport = expandTransport(config.transport, env);
  } catch (error) {
    throw fail((error as Error).message, error);
  }
  if (transport.kind === 'stdio') {
    const cwd = await stat(transport.cwd).catch(() => undefined);
    if (!cwd?.isDirectory()) throw fail(`cwd ${transport.cwd} is not a directory`);
    const stdio = new ProcessGroupStdioTransport(transport);
    return attempt(config, stdio).catch((error) => {
      throw fail(startFailure(config, error, stdio), error);
    });
  }
  let given: URL;
  try {
    given = new URL(transport.url);
  } catch (error) {
    throw fail('not a valid URL', error);
  }
  const { url, headers } = withUrlCredentials(given, transport.headers);
  const requestInit = { headers };
  if (transport.sse) {
    return attempt(config, new SSEClientTransport(url, { requestInit })).catch((error) => {
      throw fail(startFailure(config, error), error);
    });
  }
  try {
    return await attempt(config, new StreamableHTTPClientTransport(url, { requestInit, reconnectionOptions: RECONNECTION }));
  } catch (error) {
    // Servers of the older protocol answer a POST with 4xx: try their SSE endpoint before giving up.
    if (error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400 && error.code < 500 && error.code !== 401 && error.code !== 403) {
      try {
        return await attempt(config, new SSEClientTransport(url, { requestInit }));
      } catch {
        // The Streamable HTTP error says more than the fallback's.
      }
    }
    throw fail(startFailure(config, error), error);
  }
}

async function attempt(config: McpServerConfig, transport: Transport): Promise<{ client: Client; transport: Transport }> {
  const client = new Client({ name: 'ksa', version: VERSION });
  try {
    await client.connect(transport, { timeout: config.startupTimeoutMs });
  } catch (error) {
    const answered = answeredError(error, client);
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
    throw answered;
  }
  return { client, transport };
}

/** Why a server did not start, as the end of one line. */
function startFailure(config: McpServerConfig, error: unknown, transport?: Transport): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && config.transport.kind === 'stdio') return `command "${config.transport.command}" not found (install it or fix PATH)`;
  if (code === 'EACCES') return 'permission denied (is the command executable?)';
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return `no answer within ${config.startupTimeoutMs} ms while starting (startupTimeoutMs)`;
  }
  if (isDisconnect(error)) return ended(transport, 'while starting');
  if (error instanceof StreamableHTTPError) {
    const said = firstLine(error.message.replace(/^Streamable HTTP error: /, ''));
    // The SDK's -1 is no HTTP status: a 2xx answer that is not MCP (a web page, a proxy's login form).
    const contentType = /^Unexpected content type: (.*)$/.exec(said)?.[1];
    if (contentType !== undefined) return `answered with ${contentType || 'no content type'}, not MCP (is the URL the server's MCP endpoint?)`;
    return `HTTP ${error.code !== undefined && error.code > 0 ? error.code : 'error'}: ${said}`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof TypeError && cause) return `cannot connect: ${cause.code === 'ECONNREFUSED' ? 'connection refused' : (cause.message ?? cause.code)}`;
  return firstLine(describeError(error));
}

/** "exited with code 3 while starting: <its stderr's error line>" for a stdio server, "closed the connection …" otherwise. */
function ended(transport: Transport | undefined, when: string): string {
  if (!(transport instanceof ProcessGroupStdioTransport)) return `closed the connection ${when}`;
  if (transport.sentOversized()) return `sent a message larger than ${MAX_MESSAGE_MB} MB ${when}, more than ksa reads at once; the server was stopped (a tool should answer with less, or write big results to a file)`;
  const status = transport.exitStatus();
  const how = !status ? 'closed the connection' : status.code !== null ? `exited with code ${status.code}` : `was killed by ${status.signal}`;
  const said = stderrReason(transport.stderrTail());
  return said ? `${how} ${when}: ${said}` : `${how} ${when}`;
}

/** `progress 3/10: uploading layers`, as a line of the step's output. */
function progressLine(progress: Progress): string {
  const amount = progress.total !== undefined ? `${progress.progress}/${progress.total}` : `${progress.progress}`;
  return `progress ${amount}${progress.message ? `: ${progress.message}` : ''}`;
}

/**
 * The SDK fails the requests of a connection that closed with McpError -32000 (ConnectionClosed), a code
 * JSON-RPC also leaves to servers for errors of their own ("backend database unavailable"). One that comes
 * while the client still has its transport is the server's answer: it is passed on as a plain error in the
 * server's words, so that it is not taken for a lost connection (and a healthy server restarted) later,
 * when the client may be closed and can no longer tell.
 */
function answeredError(error: unknown, client: Client): unknown {
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed && client.transport !== undefined) return new Error(error.message, { cause: error });
  return error;
}

/** An error of the server or the SDK in words: its message, or what is wrong with an answer that is not MCP. */
function describeError(error: unknown): string {
  const invalid = invalidAnswer(error);
  if (invalid !== undefined) return `its answer is not valid MCP (${invalid})`;
  // A server that throws an McpError sends its message, prefix included, and the client adds the prefix again.
  return ((error as Error)?.message ?? String(error)).replace(/^(MCP error -?\d+: )\1+/, '$1');
}

function isDisconnect(error: unknown): boolean {
  return (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) || (error as Error)?.message === 'Not connected';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
