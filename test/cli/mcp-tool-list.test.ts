import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { rawStdio, writeUserConfig } from '../helpers/mcp.js';

// A server that lists a tool without an inputSchema: that tool is left out with a line, the server and its other tools are used.

let sandbox: CliSandbox;
const leftOut = 'MCP tool "noschema" of server "raw" is left out: its tools/list entry has no inputSchema';

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-tool-list-');
  await writeUserConfig(sandbox.home, { raw: rawStdio({ env: { RAW_BAD_TOOLS: '1' } }) });
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });

describe('a tool its server lists without an inputSchema', () => {
  it('ksa mcp list: the server is ready with its other tools, and the tool left out is one line', async () => {
    const text = await ksa('mcp', 'list');
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toMatch(/^raw \(user, .*raw-server\.mjs\): ready, 4 tools$/m);
    expect(text.stdout).toContain(`! ${leftOut}\n`);

    const json = await ksa('mcp', 'list', '--json');
    const { servers } = JSON.parse(json.stdout) as { servers: { name: string; state: string; tools: { tool: string }[]; warnings?: string[] }[] };
    expect(servers[0]).toMatchObject({ name: 'raw', state: 'ready', warnings: [leftOut, expect.stringContaining('"badschema"')] });
    expect(servers[0]!.tools.map((tool) => tool.tool)).toEqual(['pid', 'busy', 'internal', 'garbled']);
  });

  it('ksa tools: the other tools are listed, the one left out is a warning', async () => {
    const result = await ksa('tools', '--json');
    expect(result.code, describeResult(result)).toBe(0);
    const names = (JSON.parse(result.stdout) as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['raw__pid', 'raw__busy']));
    expect(names).not.toContain('raw__noschema');
    expect(result.stderr).toContain(`ksa: warning: ${leftOut}\n`);
  });
});
