import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src/planning/index.js';
import { createBuiltinRegistry, McpCallError, McpHub } from '../../../src/tools/index.js';
import { describeTarget } from '../../../src/tools/mcp/config.js';
import { freePort } from '../../helpers/cli.js';
import { LAB_SERVER, labStdio, startHttpLab, writeUserConfig, type HttpLab } from '../../helpers/mcp.js';
import { createTempDir } from '../../helpers/tool-context.js';

function call(tool: string, args: Record<string, unknown>): ToolCall {
  return { tool, args, stepId: 's', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

describe('MCP servers that do not work, and HTTP servers', () => {
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  let web: HttpLab;
  let old: HttpLab;
  let hub: McpHub;
  const registry = createBuiltinRegistry();
  let deadPort: number;
  let webPage: Server;
  let webPageUrl: string;

  beforeAll(async () => {
    temp = await createTempDir('ksa-mcp-failures-');
    [web, old] = await Promise.all([startHttpLab({ LAB_REQUIRE_AUTH: 'Bearer s3cret' }), startHttpLab({}, '--sse')]);
    deadPort = await freePort();
    // A web server that answers every request with an HTML page: a URL that is not an MCP endpoint.
    webPage = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => webPage.listen(0, '127.0.0.1', resolve));
    webPageUrl = `http://127.0.0.1:${(webPage.address() as AddressInfo).port}/`;
    const home = path.join(temp.dir, 'home');
    await writeUserConfig(home, {
      web: { url: web.url, headers: { Authorization: 'Bearer ${MCP_TEST_TOKEN}' } },
      noauth: { url: web.url, headers: { Authorization: 'Bearer ${MCP_TEST_MISSING:-wrong}' } },
      unset: { url: web.url, headers: { Authorization: 'Bearer ${MCP_TEST_MISSING}' } },
      old: { url: old.url },
      notfound: { url: web.url.replace('/mcp', '/elsewhere') },
      refused: { type: 'http', url: `http://127.0.0.1:${deadPort}/mcp` },
      missing: { command: 'no-such-mcp-server-xyz' },
      dies: labStdio({ env: { LAB_EXIT_AT_START: '3' } }),
      twins: labStdio({ env: { LAB_TWINS: '1' } }),
      throws: { command: process.execPath, args: ['-e', 'throw new Error("bad config: TOKEN is missing")'] },
      page: { url: webPageUrl },
      hangs: labStdio({ env: { LAB_HANG: '1' }, startupTimeoutMs: 800 }),
      nowhere: labStdio({ cwd: 'no/such/dir' }),
      broken: { args: ['x'] },
    });
    hub = await McpHub.load({ home, env: { ...process.env, MCP_TEST_TOKEN: 's3cret', MCP_TEST_MISSING: undefined }, cwd: temp.dir });
    await hub.start();
    hub.addTo(registry);
  });

  afterAll(async () => {
    await hub?.close();
    await web?.stop();
    await old?.stop();
    webPage?.close();
    await temp?.cleanup();
  });

  const reasonOf = (name: string) => hub.statuses().find((status) => status.name === name)?.reason;

  it('talks Streamable HTTP with the configured headers (${VAR} expanded)', async () => {
    expect(hub.statuses().find((status) => status.name === 'web')?.state).toBe('ready');
    expect(await registry.invoke(call('web__add', { a: 40, b: 2 }), { workspace: temp.dir })).toMatchObject({ structured: { sum: 42 } });
  });

  it('falls back to the older SSE protocol when a server refuses Streamable HTTP', async () => {
    expect(hub.statuses().find((status) => status.name === 'old')?.state).toBe('ready');
    expect(await registry.invoke(call('old__echo', { text: 'over sse' }), { workspace: temp.dir })).toMatchObject({ text: 'over sse' });
  });

  it('shows progress notifications as output lines over Streamable HTTP and SSE alike', async () => {
    for (const server of ['web', 'old']) {
      const lines: string[] = [];
      await registry.invoke({ ...call(`${server}__steps`, {}), onOutput: (line) => lines.push(line) }, { workspace: temp.dir });
      expect(lines, server).toEqual(['progress 1/3: step 1', 'progress 2/3: step 2', 'progress 3/3: step 3', 'done']);
    }
  });

  it('reports each failure as one line naming the server, its command or URL, and the cause', () => {
    expect(reasonOf('noauth')).toBe(`MCP server "noauth" (${web.url}): HTTP 401: Error POSTing to endpoint: unauthorized`);
    expect(reasonOf('unset')).toBe(`MCP server "unset" (${web.url}): headers.Authorization: \${MCP_TEST_MISSING} is not set (set it, or write \${MCP_TEST_MISSING:-default})`);
    expect(reasonOf('notfound')).toMatch(/^MCP server "notfound" \(http:\/\/127\.0\.0\.1:\d+\/elsewhere\): HTTP 404: /);
    expect(reasonOf('refused')).toBe(`MCP server "refused" (http://127.0.0.1:${deadPort}/mcp): cannot connect: connection refused`);
    expect(reasonOf('missing')).toBe('MCP server "missing" (no-such-mcp-server-xyz): command "no-such-mcp-server-xyz" not found (install it or fix PATH)');
    expect(reasonOf('dies')).toMatch(/^MCP server "dies" \(.*lab-server\.mjs\): exited with code 3 while starting: lab-server: LAB_TOKEN is not set, cannot start$/);
    // Node ends a crash with stack frames and its version: the error line is what tells.
    expect(reasonOf('throws')).toMatch(/^MCP server "throws" \(.*\): exited with code 1 while starting: Error: bad config: TOKEN is missing$/);
    expect(reasonOf('page')).toBe(`MCP server "page" (${webPageUrl}): answered with text/html, not MCP (is the URL the server's MCP endpoint?)`);
    expect(reasonOf('hangs')).toMatch(/^MCP server "hangs" \(.*lab-server\.mjs\): no answer within 800 ms while starting \(startupTimeoutMs\)$/);
    // The command as messages show it: cut in the middle when long (a checkout in a long path), the script's name kept.
    const shown = describeTarget({ kind: 'stdio', command: process.execPath, args: [LAB_SERVER] } as never);
    expect(shown).toMatch(/lab-server\.mjs$/);
    expect(reasonOf('nowhere')).toBe(`MCP server "nowhere" (${shown}): cwd ${path.join(temp.dir, 'no/such/dir')} is not a directory`);
  });

  it('gives tools whose names differ only in characters a function name cannot hold a name each', async () => {
    const names = hub.statuses().find((status) => status.name === 'twins')?.tools?.filter((tool) => tool.tool.startsWith('shout'));
    expect(names?.map((tool) => [tool.tool, tool.name])).toEqual([
      ['shout.out', expect.stringMatching(/^twins__shout_out_[0-9a-f]{8}$/)],
      ['shout_out', 'twins__shout_out'],
    ]);
    for (const { tool, name } of names!) {
      expect(await registry.invoke(call(name, { text: 'hi' }), { workspace: temp.dir })).toMatchObject({ text: `${tool}: HI` });
    }
  });

  it('keeps a bad entry out with its file and path, and explains tools of unusable servers', () => {
    expect(hub.problems.map((problem) => problem.message)).toEqual([
      `${path.join(temp.dir, 'home', 'config.json')}: mcpServers.broken: needs "command" (a local server) or "url" (an HTTP server); expected { "command", "args"?, "env"?, "cwd"?, "timeoutMs"? } or { "url", "headers"?, "timeoutMs"? }`,
    ]);
    expect(hub.unavailableReason('broken__x')).toContain('mcpServers.broken: needs "command"');
    expect(hub.unavailableReason('missing__x')).toBe(reasonOf('missing'));
    expect(hub.unavailableReason('web__nope')).toMatch(/^MCP server "web" has no tool named web__nope \(its tools: web__echo, /);
    expect(hub.unavailableReason('shell')).toBeUndefined();
  });

  it('fails a call at once when its HTTP server goes away in the middle, not at the timeout', async () => {
    const doomed = await startHttpLab();
    const home = path.join(temp.dir, 'home-doomed');
    // The call and its timeout outlast the test: only noticing the server's end can end the call.
    await writeUserConfig(home, { doomed: { url: doomed.url, timeoutMs: 600_000 } });
    const own = await McpHub.load({ home, env: process.env, cwd: temp.dir });
    try {
      await own.start();
      const tools = createBuiltinRegistry();
      own.addTo(tools);
      const pending = tools.invoke(call('doomed__slow', { ms: 600_000 }), { workspace: temp.dir }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await doomed.stop();
      const error = await pending;
      expect(McpCallError.isInstance(error)).toBe(true);
      expect((error as McpCallError).reason).toBe('disconnected');
      expect((error as Error).message).toBe(`doomed__slow: MCP server "doomed" (${doomed.url}) closed the connection during the call`);
      // The next call says the server cannot be reached.
      await expect(tools.invoke(call('doomed__echo', { text: 'x' }), { workspace: temp.dir })).rejects.toThrow(
        `MCP server "doomed" (${doomed.url}): cannot connect: connection refused`,
      );
    } finally {
      await own.close();
    }
  });

  it('leaves the other tools working', async () => {
    expect(registry.names().filter((name) => name.includes('__')).every((name) => ['web__', 'old__', 'twins__'].some((prefix) => name.startsWith(prefix)))).toBe(true);
    expect(await registry.invoke(call('shell', { command: 'echo ok' }), { workspace: temp.dir })).toMatchObject({ stdout: 'ok' });
  });
});
