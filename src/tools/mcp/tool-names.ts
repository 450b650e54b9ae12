import { createHash } from 'node:crypto';

/** OpenAI function names: ^[a-zA-Z0-9_-]{1,64}$. */
const MAX_NAME = 64;

/** `<server>__<tool>`, valid as an OpenAI function name; too long names keep a hash of the full one. */
export function mcpToolName(server: string, tool: string): string {
  const full = `${serverPrefix(server)}${sanitize(tool)}`;
  if (full.length <= MAX_NAME) return full;
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
