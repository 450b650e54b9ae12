import { describe, expect, it } from 'vitest';
import { McpCallError } from '../../../src/tools/index.js';
import { rawStdio, useMcpHub } from '../../helpers/mcp.js';

// JSON-RPC gives servers -32000..-32099 for their own errors; the SDK also reports a closed
// connection as -32000. A server that answers with one is up: its words are the error, and it keeps running.
describe('an MCP server that answers a call with a JSON-RPC error', () => {
  const raw = useMcpHub('ksa-mcp-rpc-errors-', { fs: rawStdio(), nolist: rawStdio({ env: { RAW_LIST_ERROR: '1' } }) });

  const pid = async () => ((await raw.invoke('fs__pid')) as { text: string }).text;
  const failure = (tool: string) => raw.invoke(tool).then(() => undefined, (error: unknown) => error);

  it('-32000 is the server speaking, not a closed connection: its message, and the same server after', async () => {
    const before = await pid();
    const error = await failure('fs__busy');
    expect(McpCallError.isInstance(error)).toBe(true);
    expect((error as McpCallError).reason).toBe('protocol');
    expect((error as Error).message).toBe('fs__busy: MCP error -32000: backend database unavailable, try later');
    expect(await pid()).toBe(before);
  });

  it('-32603 likewise', async () => {
    const before = await pid();
    expect(((await failure('fs__internal')) as Error).message).toBe('fs__internal: MCP error -32603: internal trouble');
    expect(await pid()).toBe(before);
  });

  it('-32000 while starting is the server\'s reason too, not "closed the connection"', () => {
    const nolist = raw.hub.statuses().find((status) => status.name === 'nolist');
    expect(nolist?.state).toBe('failed');
    expect(nolist?.reason).toMatch(/^MCP server "nolist" \(.*raw-server\.mjs\): MCP error -32000: tool catalogue unavailable$/);
  });
});
