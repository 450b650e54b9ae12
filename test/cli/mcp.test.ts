import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, stackTraceLines, type CliSandbox } from '../helpers/cli.js';
import { labStdio, startHttpLab, writeUserConfig, type HttpLab } from '../helpers/mcp.js';

// ksa with real MCP servers: the lab server over stdio (started by ksa) and over Streamable HTTP (started here).

let sandbox: CliSandbox;
let web: HttpLab;
let marks: string;
const env = { LAB_TOKEN: 'tok123' };

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-');
  marks = path.join(sandbox.dir, 'marks');
  await sandbox.writePlan('marks/.keep', '');
  web = await startHttpLab({ LAB_REQUIRE_AUTH: 'Bearer tok123', LAB_PREFIX: 'web:' });
  await writeUserConfig(sandbox.home, {
    lab: labStdio({ env: { LAB_MARK_DIR: marks } }),
    web: { type: 'http', url: web.url, headers: { Authorization: 'Bearer ${LAB_TOKEN:-none}' } },
    nope: { command: 'no-such-mcp-server-xyz', args: ['--stdio'] },
  });
});

afterAll(async () => {
  await web?.stop();
  await sandbox?.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, env, timeoutMs: 60_000 });

async function serverPids(): Promise<number[]> {
  return (await readdir(marks)).filter((name) => name.startsWith('server-')).map((name) => Number(name.slice('server-'.length)));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ksa tools and ksa mcp list', () => {
  it('ksa tools --json lists the MCP tools with their servers schemas and hints; a missing server is one line on stderr', async () => {
    const result = await ksa('tools', '--json');
    expect(result.code, describeResult(result)).toBe(0);
    const { tools } = JSON.parse(result.stdout) as { tools: { name: string; risk: string; inputSchema: Record<string, unknown>; mcp?: unknown; annotations?: unknown }[] };
    const names = tools.map((tool) => tool.name);
    expect(names.slice(0, 8)).toEqual(['shell', 'http', 'read_file', 'write_file', 'sleep', 'kubectl', 'helm', 'docker']);
    expect(names).toEqual(expect.arrayContaining(['lab__echo', 'lab__slow', 'web__echo', 'web__add']));
    const echo = tools.find((tool) => tool.name === 'web__echo')!;
    // risk stays the tool's own rating; stepRisk is the level its steps get, from the hints (MCP's defaults otherwise).
    expect(echo).toMatchObject({ risk: 'low', stepRisk: { levels: ['read'] }, mcp: { server: 'web', tool: 'echo' }, annotations: { readOnlyHint: true } });
    expect(tools.find((tool) => tool.name === 'lab__slow')).toMatchObject({ risk: 'high', stepRisk: { levels: ['write'] } });
    expect(echo.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(result.stderr.trim()).toBe(
      'ksa: warning: MCP server "nope" (no-such-mcp-server-xyz --stdio): command "no-such-mcp-server-xyz" not found (install it or fix PATH)',
    );
  });

  it('ksa tools prints them like the built-in tools', async () => {
    const result = await ksa('tools');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('lab__echo (steps: read)\n  Echo the text back (MCP server "lab", tool "echo")\n    text: string\n    times?: integer\n');
    expect(result.stdout).toContain('lab__slow (steps: write)\n');
    // The listing speaks of steps as validate and policy check do: read, write, destroy.
    expect(result.stdout).not.toMatch(/\(risk: (low|medium|high)\)/);
  });

  it('ksa mcp list shows each server, its state and its tools', async () => {
    const json = await ksa('mcp', 'list', '--json');
    expect(json.code, describeResult(json)).toBe(0);
    const { servers } = JSON.parse(json.stdout) as { servers: { name: string; state: string; reason?: string; tools: { name: string }[] }[] };
    expect(servers.map((server) => [server.name, server.state])).toEqual([
      ['lab', 'ready'],
      ['web', 'ready'],
      ['nope', 'failed'],
    ]);
    expect(servers[1]!.tools.map((tool) => tool.name)).toContain('web__add');
    expect(servers[2]!.reason).toBe('MCP server "nope" (no-such-mcp-server-xyz --stdio): command "no-such-mcp-server-xyz" not found (install it or fix PATH)');

    const text = await ksa('mcp', 'list');
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toMatch(/^lab \(user, .*lab-server\.mjs\): ready, 8 tools$/m);
    expect(text.stdout).toMatch(/^ {2}web__echo +Echo the text back$/m);
    expect(text.stdout).toContain('nope (user, no-such-mcp-server-xyz --stdio): failed: command "no-such-mcp-server-xyz" not found (install it or fix PATH)');
  });
});

describe('plans with MCP steps', () => {
  it('ksa validate checks MCP arguments against the server schema (exit 2, with the path) and names a failed server once', async () => {
    await sandbox.writePlan(
      'bad.yaml',
      `goal: Bad MCP steps
steps:
  - id: greet
    tool: web__echo
    args: { text: 42 }
  - id: sum
    tool: lab__add
    args: { a: 1 }
  - id: gone
    tool: nope__anything
    args: {}
`,
    );
    const result = await ksa('validate', 'bad.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('bad.yaml:5:19 steps[0].args.text: expected string, got number 42 (tool "web__echo")');
    expect(result.stdout).toContain('steps[1].args.b: required argument missing (tool "lab__add")');
    expect(result.stdout).toContain('bad.yaml:10:11 steps[2].tool: MCP server "nope" (no-such-mcp-server-xyz --stdio): command "no-such-mcp-server-xyz" not found (install it or fix PATH)');
    // Said once, as the step's problem: not a warning as well.
    expect(result.stderr).not.toContain('no-such-mcp-server-xyz');
    expect(stackTraceLines(result.stdout + result.stderr)).toEqual([]);
    const run = await ksa('run', 'bad.yaml', '--yes');
    expect(run.code, describeResult(run)).toBe(2);
    expect((run.stdout + run.stderr).split('command "no-such-mcp-server-xyz" not found')).toHaveLength(2);
  });

  it('runs MCP steps (stdio and HTTP) in parallel with built-in ones and feeds an MCP output into a later step', async () => {
    await sandbox.writePlan(
      'mix.yaml',
      `goal: Mix MCP and built-in steps
steps:
  - id: greet
    tool: web__echo
    args: { text: hello }
  - id: sum
    tool: lab__add
    args: { a: 2, b: 3 }
  - id: wait
    tool: sleep
    args: { ms: 200 }
  - id: record
    tool: write_file
    args: { path: out.txt, content: "{{ steps.greet.output.text }} {{ steps.sum.output.structured.sum }}" }
    dependsOn: [greet, sum, wait]
  - id: shout
    tool: lab__echo
    args: { text: "{{ steps.greet.output.text }}!", times: "{{ steps.sum.output.structured.sum - 3 }}" }
    dependsOn: [record]
`,
    );
    expect((await ksa('validate', 'mix.yaml')).code).toBe(0);
    const result = await ksa('run', 'mix.yaml', '--yes', '--json');
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const firstDone = events.findIndex((event) => event.type === 'step_succeeded');
    const startedBefore = events.slice(0, firstDone).filter((event) => event.type === 'step_started').map((event) => event.stepId);
    expect(startedBefore.sort()).toEqual(['greet', 'sum', 'wait']);
    expect(eventsOf(events, 'step_succeeded', 'sum')[0]!.output).toEqual({ text: '5', content: [{ type: 'text', text: '5' }], structured: { sum: 5 } });
    expect(eventsOf(events, 'step_succeeded', 'shout')[0]!.output).toMatchObject({ text: 'web:hello!web:hello!' });
    expect(await readFile(path.join(sandbox.dir, 'out.txt'), 'utf8')).toBe('web:hello 5');
    // The stdio server ksa started is gone once ksa has exited.
    const pids = await serverPids();
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('fails a step with the text of an isError result, after its retries', async () => {
    await sandbox.writePlan(
      'fail.yaml',
      `goal: A failing MCP tool
steps:
  - id: check
    tool: lab__fail
    args: { why: no cluster }
    retry: { maxAttempts: 2, initialDelayMs: 10 }
`,
    );
    const result = await ksa('run', 'fail.yaml', '--yes', '--json');
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_retrying', 'check')).toHaveLength(1);
    expect(eventsOf(events, 'step_failed', 'check')[0]).toMatchObject({ attempt: 2, error: 'lab__fail: bad input: no cluster' });
  });

  it('rolls back through MCP tools when a later step fails', async () => {
    await sandbox.writePlan(
      'rollback.yaml',
      `goal: Undo with an MCP tool
steps:
  - id: open
    tool: web__echo
    args: { text: opened }
    rollback: { tool: lab__echo, args: { text: "undo {{ steps.open.output.text }}" } }
  - id: check
    tool: lab__fail
    args: {}
    dependsOn: [open]
`,
    );
    const result = await ksa('run', 'rollback.yaml', '--yes', '--json');
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'rollback_step_succeeded', 'open')).toHaveLength(1);
    expect(eventsOf(events, 'step_output', 'open').map((event) => event.line)).toContain('undo web:opened');
  });

  it("aborts an MCP call at the step's timeout: the server is told", async () => {
    await sandbox.writePlan(
      'slow.yaml',
      `goal: A slow MCP tool
steps:
  - id: wait
    tool: lab__slow
    args: { ms: 30000 }
    timeoutMs: 400
`,
    );
    const before = new Set(await readdir(marks));
    const result = await ksa('run', 'slow.yaml', '--yes', '--json');
    expect(result.code, describeResult(result)).toBe(1);
    expect(String(eventsOf(parseNdjson(result.stdout), 'step_failed', 'wait')[0]!.error)).toMatch(/timed out after 400 ?ms/);
    const cancelled = (await readdir(marks)).filter((name) => name.startsWith('cancelled-') && !before.has(name));
    expect(cancelled).toHaveLength(1);
  });
});
