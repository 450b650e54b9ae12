import { createHash } from 'node:crypto';

/** OpenAI function names: ^[a-zA-Z0-9_-]{1,64}$. */
const MAX_NAME = 64;

/** `<server>__<tool>`, valid as an OpenAI function name; too long names keep a hash of the full one. */
export function mcpToolName(server: string, tool: string): string {
  const full = `${serverPrefix(server)}${sanitize(tool)}`;
  return full.length <= MAX_NAME ? full : hashed(full, server, tool);
}

/**
 * The names of all of a server's tools, each distinct: tools whose names only
 * differ in characters a function name cannot hold (`deploy.app`, `deploy_app`)
 * would otherwise share one and all but one be unreachable. The tool whose
 * name needed no change keeps it; the others get a hash of their own name.
 */
export function mcpToolNames(server: string, tools: readonly string[]): string[] {
  const names = tools.map((tool) => mcpToolName(server, tool));
  const count = new Map<string, number>();
  for (const name of names) count.set(name, (count.get(name) ?? 0) + 1);
  return names.map((name, i) => {
    const tool = tools[i]!;
    if (count.get(name) === 1 || sanitize(tool) === tool) return name;
    return hashed(`${serverPrefix(server)}${sanitize(tool)}`, server, tool);
  });
}

function hashed(full: string, server: string, tool: string): string {
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - 9)}_${hash}`;
}

/** What every tool name of a server starts with. */
export function serverPrefix(server: string): string {
  return `${sanitize(server)}__`;
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}
