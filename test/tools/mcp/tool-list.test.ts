import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src/planning/index.js';
import { createBuiltinRegistry, McpHub } from '../../../src/tools/index.js';
import { rawStdio, writeUserConfig } from '../../helpers/mcp.js';
import { createTempDir } from '../../helpers/tool-context.js';

function call(tool: string): ToolCall {
  return { tool, args: {}, stepId: 's', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

// The SDK refuses a whole tools/list answer for one tool it cannot take: only that tool is left out.
describe('an MCP server that lists tools ksa cannot use', () => {
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  let hub: McpHub;
  const registry = createBuiltinRegistry();

  beforeAll(async () => {
    temp = await createTempDir('ksa-mcp-tool-list-');
    await writeUserConfig(path.join(temp.dir, 'home'), { raw: rawStdio({ env: { RAW_BAD_TOOLS: '1' } }), garbled: rawStdio({ env: { RAW_LIST_GARBLED: '1' } }) });
    hub = await McpHub.load({ home: path.join(temp.dir, 'home'), env: process.env, cwd: temp.dir });
    await hub.start();
  });

  afterAll(async () => {
    await hub.close();
    await temp.cleanup();
  });

  const status = (name: string) => hub.statuses().find((candidate) => candidate.name === name);
  const leftOut = [
    'MCP tool "noschema" of server "raw" is left out: its tools/list entry has no inputSchema',
    'MCP tool "badschema" of server "raw" is left out: its tools/list entry is not valid MCP (inputSchema.type: expected "object")',
  ];

  it('leaves out a tool without an inputSchema (or with one that is no object schema), one line each; the others work', async () => {
    expect(status('raw')).toMatchObject({ state: 'ready', warnings: leftOut });
    expect(status('raw')!.tools.map((tool) => tool.tool)).toEqual(['pid', 'busy', 'internal', 'garbled']);
    expect(hub.addTo(registry)).toEqual(leftOut);
    expect(registry.get('raw__noschema')).toBeUndefined();
    expect(await registry.invoke(call('raw__pid'), { workspace: temp.dir })).toMatchObject({ text: expect.stringMatching(/^\d+$/) });
  });

  it('a list that is not MCP at all says what is wrong with it, not the first character of a JSON dump', () => {
    expect(status('garbled')?.state).toBe('failed');
    expect(status('garbled')?.reason).toMatch(/^MCP server "garbled" \(.*\): its answer is not valid MCP \(tools: expected array, received string\)$/);
  });

  it('so does a call answered with something that is not MCP', async () => {
    await expect(registry.invoke(call('raw__garbled'), { workspace: temp.dir })).rejects.toThrow(/^raw__garbled: its answer is not valid MCP \(content: expected array, received string\)$/);
  });
});
