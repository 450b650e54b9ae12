import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, REPO_ROOT, runKsa, type CliSandbox } from '../helpers/cli.js';
import { writeUserConfig } from '../helpers/mcp.js';

// Deny rules meet a call as it really runs: an MCP call's JSON with its quotes, a file path as the tool resolves it.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-policy-subjects-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

async function workspace(name: string, plan: string): Promise<{ dir: string; home: string; plan: string }> {
  const planFile = await sandbox.writePlan(`${name}/ws/plan.yaml`, plan);
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(home, { recursive: true });
  return { dir: path.dirname(planFile), home, plan: planFile };
}

/** An MCP server whose delete_repo tool leaves a marker file named after the repository in `marks`. */
function deletingServer(marks: string): string {
  const sdk = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'node_modules', file)).href;
  return `import { writeFileSync } from 'node:fs';
import { McpServer } from '${sdk('@modelcontextprotocol/sdk/dist/esm/server/mcp.js')}';
import { StdioServerTransport } from '${sdk('@modelcontextprotocol/sdk/dist/esm/server/stdio.js')}';
import { z } from '${sdk('zod/index.js')}';
const server = new McpServer({ name: 'gh', version: '1' });
server.registerTool('delete_repo', { description: 'pretend delete', inputSchema: { repo: z.string() } }, async ({ repo }) => {
  writeFileSync(${JSON.stringify(marks)} + '/deleted-' + repo, 'x');
  return { content: [{ type: 'text', text: 'deleted ' + repo }] };
});
await server.connect(new StdioServerTransport());
`;
}

/** An MCP server whose create_issue tool leaves a marker file named after its title in `marks`. */
function issueServer(marks: string): string {
  const sdk = (file: string) => pathToFileURL(path.join(REPO_ROOT, 'node_modules', file)).href;
  return `import { writeFileSync } from 'node:fs';
import { McpServer } from '${sdk('@modelcontextprotocol/sdk/dist/esm/server/mcp.js')}';
import { StdioServerTransport } from '${sdk('@modelcontextprotocol/sdk/dist/esm/server/stdio.js')}';
import { z } from '${sdk('zod/index.js')}';
const server = new McpServer({ name: 'gh', version: '1' });
const inputSchema = { owner: z.string(), repo: z.string(), title: z.string().optional(), body: z.string().optional(), labels: z.array(z.string()).optional() };
server.registerTool('create_issue', { description: 'pretend create', inputSchema }, async ({ title }) => {
  writeFileSync(${JSON.stringify(marks)} + '/issue-' + (title ?? 'untitled'), 'x');
  return { content: [{ type: 'text', text: 'created' }] };
});
await server.connect(new StdioServerTransport());
`;
}

describe.concurrent('JSON rules over an MCP call read its braces as JSON', { timeout: 120_000 }, () => {
  const issuePlan = (args: string) => `goal: issue\nsteps:\n  - id: i\n    tool: gh__create_issue\n    args: ${args}\n`;
  async function issueWorkspace(name: string, plan: string, policy: string): Promise<{ dir: string; home: string; plan: string }> {
    const ws = await workspace(name, plan);
    const server = path.join(ws.dir, '..', 'server.mjs');
    await writeFile(server, issueServer(ws.dir));
    await writeUserConfig(ws.home, { gh: { command: process.execPath, args: [server] } });
    await writeFile(path.join(ws.home, 'policy.yaml'), policy);
    return ws;
  }

  it('a deny rule with a brace choice inside a list and four * is accepted and refuses the call it names; nothing runs', async () => {
    const rule = `deny:\n  - gh__create_issue: '{"labels":["{urgent,p1}"],"owner":"*","repo":"*","title":"*","body":"*"}'\n`;
    const denied = await issueWorkspace('json-deny', issuePlan('{ labels: [p1], owner: me, repo: shop, title: hot, body: x }'), rule);
    const result = await runKsa(['run', denied.plan, '--yes'], { home: denied.home, cwd: denied.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('denied by deny gh__create_issue');
    expect(existsSync(path.join(denied.dir, 'issue-hot'))).toBe(false);
    const other = await issueWorkspace('json-deny-other', issuePlan('{ labels: [later], owner: me, repo: shop, title: cold, body: x }'), rule);
    const allowed = await runKsa(['run', other.plan, '--yes'], { home: other.home, cwd: other.dir });
    expect(allowed.code, describeResult(allowed)).toBe(0);
    expect(existsSync(path.join(other.dir, 'issue-cold'))).toBe(true);
  });

  it('an allow rule over a JSON object with two keys lets the call with those arguments through', async () => {
    const ws = await issueWorkspace('json-allow', issuePlan('{ owner: me, repo: shop }'), `allow:\n  - gh__create_issue: '{"owner":"me","repo":"shop"}'\n`);
    const check = await runKsa(['policy', 'check', ws.plan, '--approve', 'read'], { home: ws.home, cwd: ws.dir });
    expect(check.stdout, describeResult(check)).toMatch(/\bi +write +allow +allow gh__create_issue/);
    // Not asked: the run goes ahead under --approve read, with no one to answer.
    const run = await runKsa(['run', ws.plan, '--approve', 'read'], { home: ws.home, cwd: ws.dir });
    expect(run.code, describeResult(run)).toBe(0);
    expect(existsSync(path.join(ws.dir, 'issue-untitled'))).toBe(true);
  });
});

describe.concurrent('deny rules over what a call really does', { timeout: 120_000 }, () => {
  it('an MCP deny rule with quotes and * over the JSON arguments refuses the call; nothing runs', async () => {
    const ws = await workspace('mcp-json', 'goal: mcp\nsteps:\n  - id: a\n    tool: gh__delete_repo\n    args: { repo: prod }\n');
    const server = path.join(ws.dir, '..', 'server.mjs');
    await writeFile(server, deletingServer(ws.dir));
    await writeUserConfig(ws.home, { gh: { command: process.execPath, args: [server] } });
    await writeFile(path.join(ws.home, 'policy.yaml'), `deny:\n  - gh__delete_repo: '{"repo":"*"}'\n  - gh__delete_repo: '*"repo":"prod"*'\n`);
    const result = await runKsa(['run', ws.plan, '--yes', '--allow-destroy'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(`steps[0]: gh__delete_repo {"repo":"prod"}: denied by deny gh__delete_repo: "{\\"repo\\":\\"*\\"}"`);
    expect(existsSync(path.join(ws.dir, 'deleted-prod'))).toBe(false);
  });

  it('file deny rules meet the path as the tool resolves it: ./.env, x/../.env, <workspace>/secrets/a; nothing is written or read', async () => {
    const plan = (filePath: string, tool = 'write_file') =>
      `goal: files\nsteps:\n  - id: f\n    tool: ${tool}\n    args: { path: ${JSON.stringify(filePath)}${tool === 'write_file' ? ', content: "TOKEN=1"' : ''} }\n`;
    for (const [name, filePath, tool] of [['dot', './.env', 'write_file'], ['up', 'x/../.env', 'write_file'], ['absolute', '', 'read_file']] as const) {
      const ws = await workspace(`files-${name}`, 'goal: placeholder\nsteps: []\n');
      await mkdir(path.join(ws.dir, 'secrets'));
      await writeFile(path.join(ws.dir, 'secrets', 'a'), 'TOPSECRET');
      await writeFile(ws.plan, plan(filePath || path.join(ws.dir, 'secrets', 'a'), tool));
      await writeFile(path.join(ws.home, 'policy.yaml'), 'deny:\n  - write_file: ".env"\n  - read_file: "secrets/*"\n');
      const result = await runKsa(['run', ws.plan, '--yes', '--allow-destroy', '--json'], { home: ws.home, cwd: ws.dir });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toContain(tool === 'write_file' ? 'denied by deny write_file: ".env"' : 'denied by deny read_file: "secrets/*"');
      expect(result.stdout).not.toContain('TOPSECRET');
      expect(existsSync(path.join(ws.dir, '.env'))).toBe(false);
      expect(existsSync(path.join(ws.home, 'runs'))).toBe(false);
    }
  });
});
