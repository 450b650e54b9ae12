import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ToolCall } from '../../src/planning/index.js';
import { createBuiltinRegistry, McpHub, type ToolRegistry } from '../../src/tools/index.js';
import { createTempDir } from './tool-context.js';

/** The MCP server the tests start: a real one, written with the official SDK (stdio, or HTTP with --http). */
export const LAB_SERVER = path.resolve(import.meta.dirname, '../fixtures/mcp/lab-server.mjs');

/** A stdio entry of `mcpServers` that runs the lab server with this Node. */
export function labStdio(extra: { env?: Record<string, string>; timeoutMs?: number; startupTimeoutMs?: number; cwd?: string } = {}): Record<string, unknown> {
  return { command: process.execPath, args: [LAB_SERVER], ...extra };
}

/** An MCP server written without the SDK (JSON-RPC errors of any code, tools the SDK would refuse to list). */
export const RAW_SERVER = path.resolve(import.meta.dirname, '../fixtures/mcp/raw-server.mjs');

/** A stdio entry of `mcpServers` that runs the raw server with this Node. */
export function rawStdio(extra: { env?: Record<string, string> } = {}): Record<string, unknown> {
  return { command: process.execPath, args: [RAW_SERVER], ...extra };
}

/** Writes `$home/config.json` with these servers (and any other keys). */
export async function writeUserConfig(home: string, mcpServers: Record<string, unknown>, other: Record<string, unknown> = {}): Promise<void> {
  await mkdir(home, { recursive: true });
  await writeFile(path.join(home, 'config.json'), JSON.stringify({ ...other, mcpServers }, null, 2));
}

export async function writeWorkspaceConfig(workspace: string, mcpServers: Record<string, unknown>): Promise<void> {
  await mkdir(workspace, { recursive: true });
  await writeFile(path.join(workspace, '.mcp.json'), JSON.stringify({ mcpServers }, null, 2));
}

export type HttpLab = { readonly url: string; readonly pid: number; stop(): Promise<void> };

/** Starts the lab server over Streamable HTTP (or the older SSE protocol) on a free loopback port. */
export async function startHttpLab(env: Record<string, string> = {}, mode: '--http' | '--sse' = '--http'): Promise<HttpLab> {
  const child = spawn(process.execPath, [LAB_SERVER, mode], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`lab server did not start: ${err}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lab server exited with ${code}: ${err}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A tool call as a step makes it, to call MCP tools through a registry. */
export function mcpCall(tool: string, args: Record<string, unknown> = {}): ToolCall {
  return { tool, args, stepId: 's', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

export type McpHubFixture = {
  readonly hub: McpHub;
  readonly registry: ToolRegistry;
  /** The temp dir: the workspace of calls; its `home` holds the config. */
  readonly dir: string;
  /** Calls a tool through the registry, in `dir`. */
  invoke(tool: string, args?: Record<string, unknown>): Promise<unknown>;
};

/**
 * For a describe block: a started McpHub over these `mcpServers` (in a KSA_HOME of a temp dir),
 * closed with the dir after the block; `addTools: false` leaves the registry without its tools.
 */
export function useMcpHub(prefix: string, servers: Record<string, unknown>, { addTools = true }: { addTools?: boolean } = {}): McpHubFixture {
  const fixture = { registry: createBuiltinRegistry() } as { hub: McpHub; registry: ToolRegistry; dir: string; invoke: McpHubFixture['invoke'] };
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  fixture.invoke = (tool, args = {}) => fixture.registry.invoke(mcpCall(tool, args), { workspace: fixture.dir });
  beforeAll(async () => {
    temp = await createTempDir(prefix);
    fixture.dir = temp.dir;
    await writeUserConfig(path.join(temp.dir, 'home'), servers);
    fixture.hub = await McpHub.load({ home: path.join(temp.dir, 'home'), env: process.env, cwd: temp.dir });
    await fixture.hub.start();
    if (addTools) fixture.hub.addTo(fixture.registry);
  });
  afterAll(async () => {
    await fixture.hub.close();
    await temp.cleanup();
  });
  return fixture;
}
