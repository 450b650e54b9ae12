import { describe, expect, it } from 'vitest';
import { toOutput } from '../../../src/tools/mcp/mcp-output.js';

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

  it('an embedded blob resource keeps its uri and type and its size, not the bytes; a text resource is kept', () => {
    const blob = { type: 'resource' as const, resource: { uri: 'file:///logo.png', mimeType: 'image/png', blob: Buffer.alloc(5000).toString('base64') } };
    const text = { type: 'resource' as const, resource: { uri: 'file:///a.txt', text: 'hello' } };
    expect(toOutput({ content: [blob, text] }).content).toEqual([{ type: 'resource', resource: { uri: 'file:///logo.png', mimeType: 'image/png', bytes: 5000 } }, text]);
  });

  it('parts share one budget, as JSON: a text part that runs past it keeps what fits, the parts after it are left out', () => {
    const big = 'x'.repeat(700);
    const output = toOutput({ content: [{ type: 'text', text: big }, { type: 'text', text: big }, { type: 'text', text: 'tail' }] }, 1000);
    expect(output.truncated).toBe(true);
    // {"type":"text","text":""} is 25 characters of each part's 1000.
    expect(output.content.map((part) => (part.text as string).length)).toEqual([700, 1000 - 725 - 25 + 1]);
    expect(output.text.endsWith('x…')).toBe(true);
    expect(JSON.stringify(output.content).length).toBeLessThanOrEqual(1000 + 10);
  });

  it('200,000 small parts: the first ones, about 1 MiB of them, marked truncated', () => {
    const parts = Array.from({ length: 200_000 }, (_, i) => ({ type: 'text' as const, text: `part${i}` }));
    const output = toOutput({ content: parts });
    expect(output.truncated).toBe(true);
    expect(output.content.length).toBeGreaterThan(20_000);
    expect(output.content.length).toBeLessThan(200_000);
    expect(output.content).toEqual(parts.slice(0, output.content.length));
    expect(JSON.stringify(output.content).length).toBeLessThanOrEqual(1024 * 1024 + output.content.length);
    expect(output.text).toBe(parts.slice(0, output.content.length).map((part) => part.text).join('\n'));
  });

  it('a part other than text that does not fit is left out, with those after it', () => {
    const resource = { type: 'resource' as const, resource: { uri: 'file:///big.txt', text: 'r'.repeat(2000) } };
    const output = toOutput({ content: [{ type: 'text', text: 'head' }, resource, { type: 'text', text: 'after' }] }, 1000);
    expect(output).toEqual({ text: 'head', content: [{ type: 'text', text: 'head' }], truncated: true });
  });

  it('a structuredContent over the budget is replaced by a note with its size; one within it is kept as it is', () => {
    const big = { rows: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `row ${i} é` })) };
    const bytes = Buffer.byteLength(JSON.stringify(big));
    expect(toOutput({ content: [], structuredContent: big }, 1000)).toEqual({ text: '', content: [], structured: { truncated: true, bytes }, truncated: true });
    expect(toOutput({ content: [], structuredContent: big }, bytes)).toEqual({ text: '', content: [], structured: big });
  });

  it('3 MiB of text: the output holds about 1 MiB of it, twice at most', () => {
    const output = toOutput({ content: [{ type: 'text', text: 'y'.repeat(3 * 1024 * 1024) }] });
    expect(output.truncated).toBe(true);
    expect(output.text.length).toBe(1024 * 1024 - 25 + 1);
    expect(JSON.stringify(output).length).toBeLessThan(2 * 1024 * 1024 + 100);
  });
});
