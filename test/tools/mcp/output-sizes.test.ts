import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src/planning/index.js';
import { createBuiltinRegistry, McpHub } from '../../../src/tools/index.js';
import { labStdio, writeUserConfig } from '../../helpers/mcp.js';
import { createTempDir } from '../../helpers/tool-context.js';

function call(tool: string, args: Record<string, unknown>): ToolCall {
  return { tool, args, stepId: 's', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

// What a real server answers, as a step's output.
describe('the output of an MCP tool that answers much', () => {
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  let hub: McpHub;
  const registry = createBuiltinRegistry();

  beforeAll(async () => {
    temp = await createTempDir('ksa-mcp-output-sizes-');
    await writeUserConfig(path.join(temp.dir, 'home'), { lab: labStdio({ env: { LAB_BULK: '1' } }) });
    hub = await McpHub.load({ home: path.join(temp.dir, 'home'), env: process.env, cwd: temp.dir });
    await hub.start();
    hub.addTo(registry);
  });

  afterAll(async () => {
    await hub.close();
    await temp.cleanup();
  });

  const bulk = async (args: Record<string, unknown>) => (await registry.invoke(call('lab__bulk', args), { workspace: temp.dir })) as { content: Record<string, unknown>[] };

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
