import { spawn, type ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage, STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isProcessGroupAlive, stopProcessGroup } from '../process-groups.js';
import { trackServerGroup } from './lifecycle.js';

export type StdioTransportOptions = {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
};

const STDERR_TAIL_BYTES = 4096;
/** After stdin is closed, how long a server gets to exit by itself before its group is signalled. */
const CLOSE_GRACE_MS = 300;
const KILL_GRACE_MS = 1500;

/**
 * The SDK's stdio transport, but the server leads its own process group (so
 * ksa can stop the whole tree it forks, e.g. `npx` → node), its stderr is kept
 * (the last lines explain a crash) and the group is killed when ksa exits.
 * The child gets the SDK's safe default environment plus the entry's `env`.
 */
export class ProcessGroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  /** The server's process group, kept after the server itself has exited: what it forked may still run. */
  private pid: number | undefined;
  private readonly buffer = new ReadBuffer();
  private stderr = '';
  private untrack: (() => void) | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private oversized = false;

  constructor(private readonly options: StdioTransportOptions) {}

  /** The last lines the server wrote to stderr. */
  stderrTail(): string {
    return this.stderr;
  }

  /** True once the server sent a message past the size ksa reads (it is stopped then). */
  sentOversized(): boolean {
    return this.oversized;
  }

  /** How the server ended, once it has. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, [...this.options.args], {
        env: { ...getDefaultEnvironment(), ...this.options.env },
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
      });
      this.child = child;
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        this.pid = child.pid;
        if (child.pid !== undefined) this.untrack = trackServerGroup(child.pid);
        resolve();
      });
      child.once('close', (code, signal) => {
        // The group stays tracked: what the server forked may outlive it until close() stops the group.
        this.exit = { code, signal };
        this.child = undefined;
        this.onclose?.();
      });
      child.stdin!.on('error', (error) => this.onerror?.(error));
      child.stdout!.on('data', (chunk: Buffer) => {
        if (this.oversized) return;
        try {
          this.buffer.append(chunk);
        } catch (error) {
          // The rest of that message would be read as garbage: the server is stopped, which fails the call
          // waiting for it at once (instead of at its timeout); the next call starts the server again.
          this.oversized = true;
          this.onerror?.(error as Error);
          void this.close();
          return;
        }
        this.readMessages();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
    });
  }

  private readMessages(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a stray console.log): skip it, as the SDK does.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed) {
        reject(new Error('Not connected'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends stdin (servers exit on that), then SIGTERM and SIGKILL to the group if anything of it is left. */
  async close(): Promise<void> {
    const child = this.child;
    const pid = this.pid;
    if (child) {
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.stdin?.end();
      await Promise.race([closed, delay(CLOSE_GRACE_MS)]);
    }
    // Timers stay referenced: once the server is gone nothing else may keep ksa alive until this resolves.
    if (pid !== undefined && isProcessGroupAlive(pid)) await stopProcessGroup(pid, KILL_GRACE_MS);
    this.untrack?.();
    this.buffer.clear();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The largest message read from a server (the SDK's limit), in MB, for messages. */
export const MAX_MESSAGE_MB = STDIO_DEFAULT_MAX_BUFFER_SIZE / (1024 * 1024);
