import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src/planning/index.js';
import { createBuiltinRegistry, McpCallError, McpHub, McpToolError, ToolInputError, liveServerGroups } from '../../../src/tools/index.js';
import { labStdio, writeUserConfig } from '../../helpers/mcp.js';
import { createTempDir, isProcessAlive, waitFor } from '../../helpers/tool-context.js';

function call(tool: string, args: Record<string, unknown>, signal = new AbortController().signal): ToolCall {
  return { tool, args, stepId: 's', attempt: 1, phase: 'run', signal, onOutput: () => {} };
}

describe('an MCP server over stdio', () => {
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  let hub: McpHub;
  const registry = createBuiltinRegistry();
  let marks: string;

  beforeAll(async () => {
    temp = await createTempDir('ksa-mcp-stdio-');
    marks = temp.dir;
    await writeUserConfig(path.join(temp.dir, 'home'), {
      lab: labStdio({ env: { LAB_MARK_DIR: marks, LAB_PREFIX: '${LAB_TEST_PREFIX:-}' } }),
      quick: labStdio({ env: { LAB_MARK_DIR: marks }, timeoutMs: 300 }),
    });
    hub = await McpHub.load({ home: path.join(temp.dir, 'home'), env: process.env, cwd: temp.dir });
    await hub.start();
    expect(hub.addTo(registry)).toEqual([]);
  });

  afterAll(async () => {
    await hub.close();
    await temp.cleanup();
  });

  it('lists its tools as <server>__<tool> with the raw JSON Schema and annotations', () => {
    const [lab] = hub.statuses();
    expect(lab).toMatchObject({ name: 'lab', source: 'user', state: 'ready' });
    expect(lab!.tools.map((tool) => tool.name)).toEqual(['lab__echo', 'lab__add', 'lab__fail', 'lab__slow', 'lab__crash', 'lab__steps', 'lab__fork', 'lab__pid']);
    const echo = registry.get('lab__echo')!;
    expect(echo.mcp).toEqual({ server: 'lab', tool: 'echo' });
    expect(echo.annotations).toEqual({ readOnlyHint: true });
    expect(echo.risk).toBe('low');
    expect(registry.get('lab__fail')!.risk).toBe('medium');
    expect(registry.get('lab__slow')!.risk).toBe('high');
    expect(echo.inputJsonSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
  });

  it('calls a tool: text, content and structured output', async () => {
    expect(await registry.invoke(call('lab__echo', { text: 'hi', times: 2 }), { workspace: temp.dir })).toEqual({
      text: 'hihi',
      content: [{ type: 'text', text: 'hihi' }],
    });
    expect(await registry.invoke(call('lab__add', { a: 2, b: 3 }), { workspace: temp.dir })).toEqual({
      text: '5',
      content: [{ type: 'text', text: '5' }],
      structured: { sum: 5 },
    });
  });

  it('shows progress notifications as output lines while the call runs', async () => {
    const lines: string[] = [];
    const output = await registry.invoke({ ...call('lab__steps', {}), onOutput: (line) => lines.push(line) }, { workspace: temp.dir });
    expect(output).toMatchObject({ text: 'done' });
    expect(lines).toEqual(['progress 1/3: step 1', 'progress 2/3: step 2', 'progress 3/3: step 3', 'done']);
  });

  it('keeps the last progress that reaches ksa in the same read as the answer', async () => {
    const lines: string[] = [];
    const onOutput = (line: string) => {
      lines.push(line);
      // Hold the event loop while the server sends its last progress and its answer: both then wait in the pipe and are read at once.
      if (line.startsWith('progress 2/3')) {
        const until = Date.now() + 300;
        while (Date.now() < until);
      }
    };
    await registry.invoke({ ...call('lab__steps', {}), onOutput }, { workspace: temp.dir });
    expect(lines).toEqual(['progress 1/3: step 1', 'progress 2/3: step 2', 'progress 3/3: step 3', 'done']);
  });

  it('checks arguments against the server schema, with their path', async () => {
    const error = await registry.invoke(call('lab__echo', { text: 42, extra: 1 }), { workspace: temp.dir }).catch((e: unknown) => e);
    expect(ToolInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('args.text: expected string, got number 42');
    await expect(registry.invoke(call('lab__add', { a: 1 }), { workspace: temp.dir })).rejects.toThrow('args.b: required argument missing (tool "lab__add")');
  });

  it('fails the call with the text of an isError result', async () => {
    const error = await registry.invoke(call('lab__fail', { why: 'no cluster' }), { workspace: temp.dir }).catch((e: unknown) => e);
    expect(McpToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('lab__fail: bad input: no cluster');
  });

  it('aborts a call when the step is cancelled, and the server handler sees it', async () => {
    const controller = new AbortController();
    // The call would outlast the test: only the abort can end it.
    const pending = registry.invoke(call('lab__slow', { ms: 600_000 }, controller.signal), { workspace: temp.dir });
    setTimeout(() => controller.abort(new Error('step timed out')), 150);
    await expect(pending).rejects.toThrow('step timed out');
    expect(await waitFor(async () => (await readdir(marks)).some((name) => name.startsWith('cancelled-')))).toBe(true);
  });

  it('ends a call after the server timeoutMs, tells the server, and stays usable', async () => {
    const before = new Set(await readdir(marks));
    const error = await registry.invoke(call('quick__slow', { ms: 20_000 }), { workspace: temp.dir }).catch((e: unknown) => e);
    expect(McpCallError.isInstance(error)).toBe(true);
    expect((error as McpCallError).reason).toBe('timeout');
    expect((error as Error).message).toBe('quick__slow: no answer from MCP server "quick" within 300 ms (its timeoutMs); the call was cancelled');
    expect(await waitFor(async () => (await readdir(marks)).some((name) => name.startsWith('cancelled-') && !before.has(name)))).toBe(true);
    const mark = (await readdir(marks)).find((name) => name.startsWith('cancelled-') && !before.has(name))!;
    expect(await readFile(path.join(marks, mark), 'utf8')).toMatch(/timed out/i);
    expect(await registry.invoke(call('quick__echo', { text: 'still here' }), { workspace: temp.dir })).toMatchObject({ text: 'still here' });
  });

  it('fails a call whose server exits in the middle, and starts the server again for the next call', async () => {
    const first = Number(((await registry.invoke(call('lab__pid', {}), { workspace: temp.dir })) as { text: string }).text);
    const error = await registry.invoke(call('lab__crash', {}), { workspace: temp.dir }).catch((e: unknown) => e);
    expect(McpCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^lab__crash: MCP server "lab" \(.*lab-server\.mjs\) exited with code 7 during the call$/);
    const second = Number(((await registry.invoke(call('lab__pid', {}), { workspace: temp.dir })) as { text: string }).text);
    expect(second).not.toBe(first);
  });

  it('a message larger than ksa reads (10 MB) fails that call at once with one line; the server is started again for the next', async () => {
    const first = Number(((await registry.invoke(call('lab__pid', {}), { workspace: temp.dir })) as { text: string }).text);
    const error = await registry.invoke(call('lab__echo', { text: 'x'.repeat(1000), times: 12_000 }), { workspace: temp.dir }).catch((e: unknown) => e);
    expect(McpCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^lab__echo: MCP server "lab" \(.*lab-server\.mjs\) sent a message larger than 10 MB during the call, more than ksa reads at once; the server was stopped/);
    const second = Number(((await registry.invoke(call('lab__pid', {}), { workspace: temp.dir })) as { text: string }).text);
    expect(second).not.toBe(first);
    expect(isProcessAlive(first)).toBe(false);
  });

  it('stops what a crashed server forked before it starts it again', async () => {
    const forked = Number(((await registry.invoke(call('lab__fork', {}), { workspace: temp.dir })) as { text: string }).text);
    expect(isProcessAlive(forked)).toBe(true);
    await expect(registry.invoke(call('lab__crash', {}), { workspace: temp.dir })).rejects.toThrow('exited with code 7 during the call');
    expect(isProcessAlive(forked)).toBe(true);
    await registry.invoke(call('lab__echo', { text: 'again' }), { workspace: temp.dir });
    expect(await waitFor(() => !isProcessAlive(forked), 5000)).toBe(true);
  });

  it('stops every server process group on close', async () => {
    const groups = [...liveServerGroups()];
    expect(groups.length).toBeGreaterThanOrEqual(2);
    const other = await McpHub.load({ home: path.join(temp.dir, 'home'), env: process.env, cwd: temp.dir });
    await other.start(['lab']);
    const mine = liveServerGroups().filter((pid) => !groups.includes(pid));
    expect(mine).toHaveLength(1);
    await other.close();
    expect(liveServerGroups()).not.toContain(mine[0]);
    expect(() => process.kill(-mine[0]!, 0)).toThrow();
  });
});
