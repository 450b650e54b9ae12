import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { labStdio, writeUserConfig } from '../helpers/mcp.js';

// The secrets an MCP server's entry hands it (env values under secret-looking names, written or ${VAR}-expanded)
// are hidden like secret environment variables: a server that echoes them (its error at start, a tool's answer)
// does not get them printed or written.

const EXPANDED = 'expanded-tok-5151';
const LITERAL = 'sekret-TOKEN-123';
let sandbox: CliSandbox;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-secrets-');
  const failing = (variable: string) => ['-e', `console.error('auth failed for token ' + process.env.${variable}); process.exit(1)`];
  await writeUserConfig(sandbox.home, {
    exp: { command: process.execPath, args: failing('API_TOKEN'), env: { API_TOKEN: '${MY_API_TOKEN}' } },
    // Its variable is not named like a secret: the name it is handed to the server under is.
    via: { command: process.execPath, args: failing('API_TOKEN'), env: { API_TOKEN: '${PLAIN_VALUE}' } },
    lit: { command: process.execPath, args: failing('QA_TOKEN'), env: { QA_TOKEN: LITERAL } },
    lab: labStdio({ env: { LAB_TELL: '1', QA_TOKEN: LITERAL } }),
  });
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const ksa = (...args: string[]) =>
  runKsa(args, { home: sandbox.home, cwd: sandbox.dir, env: { MY_API_TOKEN: EXPANDED, PLAIN_VALUE: `${EXPANDED}-b` }, timeoutMs: 60_000 });

/** Every file under `dir` but the config that holds the secrets, with its text. */
async function writtenFiles(dir: string): Promise<{ file: string; text: string }[]> {
  const files: { file: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && file !== path.join(sandbox.home, 'config.json')) files.push({ file, text: await readFile(file, 'utf8') });
  }
  return files;
}

describe('secrets of MCP server entries', () => {
  it('ksa mcp list: a server that prints them as it fails to start shows *** instead', async () => {
    const text = await ksa('mcp', 'list');
    const json = await ksa('mcp', 'list', '--json');
    for (const result of [text, json]) {
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/expanded-tok|sekret-TOKEN/);
    }
    const { servers } = JSON.parse(json.stdout) as { servers: { name: string; reason?: string }[] };
    for (const server of ['exp', 'via', 'lit']) {
      expect(text.stdout).toMatch(new RegExp(`^${server} \\(.*\\): failed: exited with code 1 while starting: auth failed for token \\*\\*\\*$`, 'm'));
      expect(servers.find((candidate) => candidate.name === server)?.reason).toMatch(/: exited with code 1 while starting: auth failed for token \*\*\*$/);
    }
  });

  it('ksa run: the failed servers are named without them; a tool that answers with one has *** in its output, events, run.json and logs', async () => {
    const failed = await ksa('run', await sandbox.writePlan('failed.yaml', 'goal: g\nsteps:\n  - id: a\n    tool: exp__x\n  - id: b\n    tool: lit__x\n'), '--yes');
    expect(failed.code, describeResult(failed)).toBe(2);
    expect(failed.stderr).toContain('auth failed for token ***');
    expect(failed.stdout + failed.stderr).not.toMatch(/expanded-tok|sekret-TOKEN/);

    const told = await ksa('run', await sandbox.writePlan('tell.yaml', 'goal: g\nsteps:\n  - id: tell\n    tool: lab__tell\n    args: { name: QA_TOKEN }\n'), '--yes', '--json');
    expect(told.code, describeResult(told)).toBe(0);
    expect(told.stdout).toContain('QA_TOKEN=***');
    expect(told.stdout + told.stderr).not.toContain(LITERAL);
    const files = await writtenFiles(sandbox.home);
    expect(files.some(({ file, text }) => file.endsWith('run.json') && text.includes('QA_TOKEN=***'))).toBe(true);
    expect(files.some(({ file, text }) => file.includes(`${path.sep}logs${path.sep}`) && text.includes('QA_TOKEN=***'))).toBe(true);
    expect(files.filter(({ text }) => text.includes(LITERAL) || text.includes(EXPANDED)).map(({ file }) => file)).toEqual([]);
  });
});
