import { describe, expect, it } from 'vitest';
import { toOutput } from '../../../src/tools/mcp/mcp-tool.js';

// An MCP tool's answer becomes the step's output (run record, templates, what the model is told):
// bounded like a command's captured output, the text said once in `text` and once in `content`.

describe('MCP tool output', () => {
  it('a small answer is kept as the server gave it', () => {
    const output = toOutput({ content: [{ type: 'text', text: 'hello' }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] });
    expect(output).toEqual({ text: 'hello', content: [{ type: 'text', text: 'hello' }, { type: 'image', mimeType: 'image/png', bytes: 3 }] });
  });

  it('image and audio sizes are the decoded bytes: base64 padding and line breaks are not data', () => {
    const sizes = ['', 'AA==', 'AAA=', 'AAAA', 'AA', 'AAAA\nAA==', Buffer.alloc(2_000_000).toString('base64')].map(
      (data) => toOutput({ content: [{ type: 'audio', data, mimeType: 'audio/wav' }] }).content[0]!.bytes,
    );
    expect(sizes).toEqual([0, 1, 2, 3, 1, 4, 2_000_000]);
  });

  it('text parts share one budget: cut where it runs out, marked truncated', () => {
    const big = 'x'.repeat(700);
    const output = toOutput({ content: [{ type: 'text', text: big }, { type: 'text', text: big }, { type: 'text', text: 'tail' }] }, 1000);
    expect(output.truncated).toBe(true);
    expect(output.content.map((part) => (part.text as string).length)).toEqual([700, 301, 1]);
    expect(output.text.length).toBeLessThanOrEqual(1000 + 2 + 2);
    expect(JSON.stringify(output).length).toBeLessThan(2 * 1000 + 200);
  });

  it('3 MiB of text: the output holds about 1 MiB of it, twice at most', () => {
    const output = toOutput({ content: [{ type: 'text', text: 'y'.repeat(3 * 1024 * 1024) }] });
    expect(output.truncated).toBe(true);
    expect(output.text.length).toBe(1024 * 1024 + 1);
  });
});
