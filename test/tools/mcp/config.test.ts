import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHub, definitionsHash, mcpToolName, mcpToolNames, readWorkspaceMcpConfig } from '../../../src/tools/index.js';
import { expandTransport, expandVariables } from '../../../src/tools/mcp/expand.js';
import { plannerInstructions } from '../../../src/agent/prompts.js';
import { createBuiltinRegistry } from '../../../src/tools/index.js';
import { compileArgsSchema } from '../../../src/tools/mcp/json-schema.js';
import { createTempDir } from '../../helpers/tool-context.js';
import { describeTarget } from '../../../src/tools/mcp/config.js';

let temp: Awaited<ReturnType<typeof createTempDir>>;
beforeAll(async () => {
  temp = await createTempDir('ksa-mcp-config-');
});
afterAll(async () => {
  await temp.cleanup();
});

describe('MCP configuration', () => {
  it('reads .mcp.json in the shape other agents use: stdio (type optional) and HTTP, with defaults', async () => {
    const ws = path.join(temp.dir, 'ws');
    await mkdir(ws);
    await writeFile(
      path.join(ws, '.mcp.json'),
      JSON.stringify({
        mcpServers: {
          files: { type: 'stdio', command: 'npx', args: ['-y', 'some-server'], env: { TOKEN: '${TOKEN}' }, cwd: 'tools', timeoutMs: 5000, description: 'ignored' },
          api: { type: 'http', url: 'https://example.test/mcp', headers: { Authorization: 'Bearer ${API_TOKEN:-none}' } },
          legacy: { type: 'sse', url: 'https://example.test/sse' },
          'bad name!': { command: 'x' },
          wrong: { command: 'x', args: 'not-a-list' },
        },
      }),
    );
    const file = await readWorkspaceMcpConfig(ws);
    expect(file.servers.map((server) => [server.name, server.source, server.transport.kind, server.timeoutMs, server.startupTimeoutMs])).toEqual([
      ['files', 'workspace', 'stdio', 5000, 30_000],
      ['api', 'workspace', 'http', 60_000, 30_000],
      ['legacy', 'workspace', 'http', 60_000, 30_000],
    ]);
    expect(file.servers[2]!.transport).toMatchObject({ sse: true });
    expect(file.servers[1]!.transport).toMatchObject({ sse: false });
    expect(expandTransport(file.servers[0]!.transport, { TOKEN: 't' })).toMatchObject({ env: { TOKEN: 't' }, cwd: path.join(ws, 'tools') });
    expect(file.problems.map((problem) => problem.message)).toEqual([
      `${path.join(ws, '.mcp.json')}: mcpServers.bad name!: a server name is letters, digits, "_", "-" or "." (at most 48)`,
      `${path.join(ws, '.mcp.json')}: mcpServers.wrong: args: expected array, received string`,
    ]);
  });

  it('says which file is not JSON', async () => {
    const ws = path.join(temp.dir, 'broken');
    await mkdir(ws);
    await writeFile(path.join(ws, '.mcp.json'), '{ "mcpServers": ');
    const file = await readWorkspaceMcpConfig(ws);
    expect(file.servers).toEqual([]);
    expect(file.problems[0]!.message).toMatch(new RegExp(`^${path.join(ws, '.mcp.json').replace(/[.]/g, '\\.')}: not valid JSON \\(`));
  });

  it('expands ${VAR} and ${VAR:-default}, and names a variable that is not set', () => {
    expect(expandVariables('Bearer ${T}', { T: 'abc' }, 'headers.Authorization')).toBe('Bearer abc');
    expect(expandVariables('${HOME_X:-/tmp}/x-${NOPE:-dflt}', {}, 'env.LAB')).toBe('/tmp/x-dflt');
    expect(expandVariables('${EMPTY:-fallback}', { EMPTY: '' }, 'env.E')).toBe('fallback');
    expect(expandVariables('$PLAIN and $$', {}, 'x')).toBe('$PLAIN and $$');
    expect(() => expandVariables('${MISSING}', {}, 'env.TOKEN')).toThrow('env.TOKEN: ${MISSING} is not set (set it, or write ${MISSING:-default})');
  });

  it('hashes definitions independently of key order', () => {
    expect(definitionsHash({ a: { command: 'x', args: ['1'] }, b: { url: 'u' } })).toBe(definitionsHash({ b: { url: 'u' }, a: { args: ['1'], command: 'x' } }));
    expect(definitionsHash({ a: { command: 'x' } })).not.toBe(definitionsHash({ a: { command: 'y' } }));
  });

  it('names tools <server>__<tool>, valid as OpenAI function names', () => {
    expect(mcpToolName('github', 'create_issue')).toBe('github__create_issue');
    expect(mcpToolName('my.server', 'tool/with spaces')).toBe('my_server__tool_with_spaces');
    const long = mcpToolName('a-very-long-server-name-indeed', 'an_equally_long_tool_name_that_goes_on_and_on');
    expect(long).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(long).toHaveLength(64);
    expect(long).not.toBe(mcpToolName('a-very-long-server-name-indeed', 'an_equally_long_tool_name_that_goes_on_and_on_2'));
  });

  it('names colliding tools of one server apart, keeping the name that needed no change', () => {
    const [dotted, plain, other] = mcpToolNames('srv', ['deploy.app', 'deploy_app', 'status']);
    expect(plain).toBe('srv__deploy_app');
    expect(dotted).toMatch(/^srv__deploy_app_[0-9a-f]{8}$/);
    expect(other).toBe('srv__status');
    expect(mcpToolNames('srv', ['a.b', 'a/b']).every((name) => /^srv__a_b_[0-9a-f]{8}$/.test(name))).toBe(true);
    expect(new Set(mcpToolNames('srv', ['a.b', 'a/b'])).size).toBe(2);
  });

  it('a workspace server cannot replace a user server of the same name', async () => {
    const home = path.join(temp.dir, 'home');
    const ws = path.join(temp.dir, 'shadow');
    await mkdir(home, { recursive: true });
    await mkdir(ws);
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ model: 'x', mcpServers: { gh: { command: 'mine' } } }));
    await writeFile(path.join(ws, '.mcp.json'), JSON.stringify({ mcpServers: { gh: { command: 'theirs' }, extra: { command: 'x' } } }));
    const hub = await McpHub.load({ home, workspace: ws, env: {}, cwd: temp.dir });
    expect(hub.statuses().map((status) => [status.name, status.source, status.target, status.state])).toEqual([
      ['gh', 'user', 'mine', 'not_started'],
      ['extra', 'workspace', 'x', 'untrusted'],
    ]);
    expect(hub.problems[0]!.message).toContain('mcpServers.gh: ignored, $KSA_HOME/config.json defines a server of that name');
  });

  it('keeps out a server whose tools would be named like another\'s, and one with both a command and a URL', async () => {
    const home = path.join(temp.dir, 'home-twins');
    const ws = path.join(temp.dir, 'twins');
    await mkdir(home, { recursive: true });
    await mkdir(ws);
    const userFile = path.join(home, 'config.json');
    await writeFile(userFile, JSON.stringify({ mcpServers: { 'a.b': { command: 'one' }, a_b: { command: 'two' }, both: { command: 'x', url: 'http://127.0.0.1:1/mcp' } } }));
    const wsFile = path.join(ws, '.mcp.json');
    await writeFile(wsFile, JSON.stringify({ mcpServers: { 'a-b': { command: 'three' }, 'A.B': { command: 'four' }, 'a b': { command: 'five' } } }));
    const hub = await McpHub.load({ home, workspace: ws, env: {}, cwd: temp.dir });
    expect(hub.statuses().map((status) => [status.name, status.target])).toEqual([
      ['a.b', 'one'],
      ['a-b', 'three'],
      ['A.B', 'four'],
    ]);
    expect(hub.problems.map((problem) => problem.message)).toEqual([
      `${userFile}: mcpServers.both: has both "command" (a local server) and "url" (an HTTP server); keep the one you mean`,
      `${wsFile}: mcpServers.a b: a server name is letters, digits, "_", "-" or "." (at most 48)`,
      `${userFile}: mcpServers.a_b: ignored, its tools would be named a_b__… as those of server "a.b"; rename one of them`,
    ]);
    const clash = await McpHub.load({ home: path.join(temp.dir, 'home-none'), workspace: ws, env: {}, cwd: temp.dir });
    expect(clash.problems).toHaveLength(1);
    await writeFile(wsFile, JSON.stringify({ mcpServers: { a_b: { command: 'six' } } }));
    const across = await McpHub.load({ home, workspace: ws, env: {}, cwd: temp.dir });
    expect(across.problems.at(-1)!.message).toBe(`${wsFile}: mcpServers.a_b: ignored, its tools would be named a_b__… as those of server "a.b" (${userFile}); rename one of them`);
  });

  it('a server whose name starts with another one\'s and "__" is refused: tool b__c of "a" and c of "a__b" would both be a__b__c', async () => {
    const home = path.join(temp.dir, 'home-nested');
    await mkdir(home, { recursive: true });
    const userFile = path.join(home, 'config.json');
    await writeFile(userFile, JSON.stringify({ mcpServers: { a__b: { command: 'one' }, a: { command: 'two' }, ab: { command: 'three' } } }));
    const hub = await McpHub.load({ home, workspace: path.join(temp.dir, 'nowhere'), env: {}, cwd: temp.dir });
    expect(hub.statuses().map((status) => status.name)).toEqual(['a__b', 'ab']);
    expect(hub.problems.map((problem) => problem.message)).toEqual([`${userFile}: mcpServers.a: ignored, its tools (a__…) could take the names of those of server "a__b" (a__b__…); rename one of them`]);
  });
});

describe('JSON Schema arguments', () => {
  const { zod } = compileArgsSchema({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      owner: { type: 'string' },
      labels: { type: 'array', items: { type: 'string' } },
      state: { enum: ['open', 'closed'] },
      url: { type: 'string', format: 'uri' },
    },
    required: ['owner'],
    additionalProperties: false,
  });
  const problems = (value: unknown) => zod.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

  it('reports every problem with its path', () => {
    expect(problems({ owner: 'me', labels: ['a'], state: 'open', url: 'https://x.test' })).toEqual([]);
    expect(problems({ labels: ['a', 7], state: 'gone', url: 'not a url', extra: 1 })).toEqual([
      'owner: required argument missing',
      'extra: unknown argument',
      'labels.1: expected string, got number 7',
      'state: expected one of "open", "closed", got string "gone"',
      'url: must match format "uri"',
    ]);
    expect(problems('nope')).toEqual([': expected an object of arguments, got string "nope"']);
  });

  it('gives the planner the server schema of each MCP tool', async () => {
    const registry = createBuiltinRegistry();
    registry.register({
      name: 'gh__list_issues',
      description: 'List issues (MCP server "gh", tool "list_issues")',
      inputSchema: zod,
      inputJsonSchema: { type: 'object', properties: { owner: { type: 'string' } }, required: ['owner'] },
      outputSchema: zod,
      risk: 'low',
      describe: () => 'gh__list_issues',
      execute: async () => ({}),
    });
    expect(await plannerInstructions(registry, 10)).toContain(
      '- gh__list_issues (steps: write): List issues (MCP server "gh", tool "list_issues")\n  args: {"properties":{"owner":{"type":"string"}},"required":["owner"]}',
    );
  });
});

describe('describeTarget', () => {
  it('hides the credentials and query values of an HTTP server URL', () => {
    expect(describeTarget({ kind: 'http', url: 'http://user:s3cretpw@127.0.0.1:18404/mcp?token=abc123&v=2', headers: {} } as never)).toBe('http://***@127.0.0.1:18404/mcp?token=***&v=***');
    expect(describeTarget({ kind: 'http', url: 'https://mcp.example.com/mcp', headers: {} } as never)).toBe('https://mcp.example.com/mcp');
  });

  it('cuts a long command line in the middle: the program and the script it runs stay, whatever the path before them', () => {
    const deep = `/home/ci/builds/${'x'.repeat(80)}/checkout`;
    const shown = describeTarget({ kind: 'stdio', command: `${deep}/node_modules/node/bin/node`, args: [`${deep}/test/fixtures/mcp/lab-server.mjs`, '--quiet'] } as never);
    expect(shown).toHaveLength(100);
    expect(shown.startsWith('/home/ci/builds/xxx')).toBe(true);
    expect(shown.endsWith('/test/fixtures/mcp/lab-server.mjs --quiet')).toBe(true);
    expect(describeTarget({ kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] } as never)).toBe('npx -y @modelcontextprotocol/server-github');
  });
});

describe('JSON Schema arguments that allow only some values', () => {
  const { zod } = compileArgsSchema({
    type: 'object',
    properties: {
      mode: { oneOf: [{ const: 'fast' }, { const: 'safe' }] },
      level: { type: 'string', enum: ['a', 'b'] },
      port: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }] },
      either: { oneOf: [{ type: 'number' }, { type: 'integer' }] },
    },
  });
  const problems = (value: unknown) => zod.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

  it('a choice of values is one problem naming them; a value of the wrong type for an enum is said once', () => {
    expect(problems({ mode: 'fast', level: 'b' })).toEqual([]);
    expect(problems({ mode: 'slow', level: 5 })).toEqual(['mode: expected one of "fast", "safe", got string "slow"', 'level: expected one of "a", "b", got number 5']);
  });

  it('a choice with a branch of another kind keeps what each branch says, each once', () => {
    expect(problems({ port: 0 })).toEqual(['port: must be >= 1', 'port: expected "auto", got number 0', 'port: must match a schema in anyOf']);
    expect(problems({ either: 3 })).toEqual(['either: must match exactly one schema in oneOf']);
  });
});
