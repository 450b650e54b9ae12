import path from 'node:path';
import type { McpTransportConfig } from './config.js';

/** A `${VAR}` without a default whose variable is not set. */
export class McpConfigVariableError extends Error {
  constructor(readonly variable: string, readonly where: string) {
    super(`${where}: \${${variable}} is not set (set it, or write \${${variable}:-default})`);
    this.name = 'McpConfigVariableError';
  }
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** `${VAR}` and `${VAR:-default}`, as other agents expand them; `$$` is not special. */
export function expandVariables(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    if (value !== undefined) return value;
    throw new McpConfigVariableError(name, where);
  });
}

/** The transport with every string value that may hold variables expanded: command, args, env, cwd, url and headers. */
export function expandTransport(transport: McpTransportConfig, env: NodeJS.ProcessEnv): McpTransportConfig {
  const each = (record: Readonly<Record<string, string>>, field: string) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expandVariables(value, env, `${field}.${key}`)]));
  if (transport.kind === 'stdio') {
    return {
      kind: 'stdio',
      command: expandVariables(transport.command, env, 'command'),
      args: transport.args.map((arg, i) => expandVariables(arg, env, `args[${i}]`)),
      env: each(transport.env, 'env'),
      // Relative to the file's folder (the workspace for .mcp.json), once its variables are known.
      cwd: path.resolve(transport.baseDir, expandVariables(transport.cwd, env, 'cwd')),
      baseDir: transport.baseDir,
    };
  }
  return { kind: 'http', url: expandVariables(transport.url, env, 'url'), headers: each(transport.headers, 'headers'), sse: transport.sse };
}
