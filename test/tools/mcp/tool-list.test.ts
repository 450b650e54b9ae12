import { describe, expect, it } from 'vitest';
import { rawStdio, useMcpHub } from '../../helpers/mcp.js';

// The SDK refuses a whole tools/list answer for one tool it cannot take: only that tool is left out.
describe('an MCP server that lists tools ksa cannot use', () => {
  const raw = useMcpHub('ksa-mcp-tool-list-', { raw: rawStdio({ env: { RAW_BAD_TOOLS: '1' } }), garbled: rawStdio({ env: { RAW_LIST_GARBLED: '1' } }) }, { addTools: false });

  const status = (name: string) => raw.hub.statuses().find((candidate) => candidate.name === name);
  const leftOut = [
    'MCP tool "noschema" of server "raw" is left out: its tools/list entry has no inputSchema',
    'MCP tool "badschema" of server "raw" is left out: its tools/list entry is not valid MCP (inputSchema.type: expected "object")',
  ];

  it('leaves out a tool without an inputSchema (or with one that is no object schema), one line each; the others work', async () => {
    expect(status('raw')).toMatchObject({ state: 'ready', warnings: leftOut });
    expect(status('raw')!.tools.map((tool) => tool.tool)).toEqual(['pid', 'busy', 'internal', 'garbled']);
    expect(raw.hub.addTo(raw.registry)).toEqual(leftOut);
    expect(raw.registry.get('raw__noschema')).toBeUndefined();
    expect(await raw.invoke('raw__pid')).toMatchObject({ text: expect.stringMatching(/^\d+$/) });
  });

  it('a list that is not MCP at all says what is wrong with it, not the first character of a JSON dump', () => {
    expect(status('garbled')?.state).toBe('failed');
    expect(status('garbled')?.reason).toMatch(/^MCP server "garbled" \(.*\): its answer is not valid MCP \(tools: expected array, received string\)$/);
  });

  it('so does a call answered with something that is not MCP', async () => {
    await expect(raw.invoke('raw__garbled')).rejects.toThrow(/^raw__garbled: its answer is not valid MCP \(content: expected array, received string\)$/);
  });
});
