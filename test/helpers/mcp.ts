import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
