import { describe, expect, it } from 'vitest';
import { labStdio, useMcpHub } from '../../helpers/mcp.js';

// What a real server answers, as a step's output.
describe('the output of an MCP tool that answers much', () => {
  const lab = useMcpHub('ksa-mcp-output-sizes-', { lab: labStdio({ env: { LAB_BULK: '1' } }) });

  const bulk = async (args: Record<string, unknown>) => (await lab.invoke('lab__bulk', args)) as { content: Record<string, unknown>[] };

  it('100,000 parts and a 3 MB structuredContent: about 1 MiB of parts, and a note with the structured size', async () => {
    const output = (await bulk({ parts: 100_000, structuredChars: 3_000_000 })) as { text: string; content: { text: string }[]; structured: unknown; truncated?: true };
    expect(output.truncated).toBe(true);
    expect(output.content.length).toBeGreaterThan(10_000);
    expect(output.content.length).toBeLessThan(100_000);
    expect(output.content.at(-1)).toEqual({ type: 'text', text: `part${output.content.length - 1}` });
    expect(output.structured).toEqual({ truncated: true, bytes: 3_000_000 + '{"blob":""}'.length });
    expect(JSON.stringify(output).length).toBeLessThan(2.2 * 1024 * 1024);
  });

  it('an image is its type and its size in bytes, base64 padding not counted', async () => {
    for (const imageBytes of [0, 1, 2, 3, 2_000_000]) {
      expect((await bulk({ imageBytes })).content, `${imageBytes} bytes`).toEqual([{ type: 'image', mimeType: 'image/png', bytes: imageBytes }]);
    }
  });
});
