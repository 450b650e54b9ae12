import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, startKsa, type CliSandbox } from '../helpers/cli.js';
import { labStdio, writeUserConfig } from '../helpers/mcp.js';
import { waitFor } from '../helpers/tool-context.js';

// Stdio servers lead their own process groups, so the terminal's Ctrl-C does not reach them: ksa stops them itself.

let sandbox: CliSandbox;
let marks: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-life-');
  marks = path.join(sandbox.dir, 'marks');
  await sandbox.writePlan('marks/.keep', '');
  await writeUserConfig(sandbox.home, { stuck: labStdio({ env: { LAB_HANG: '1', LAB_MARK_DIR: marks } }) });
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('MCP server processes', () => {
  it('are killed when ksa is interrupted while it waits for them to start', async () => {
    const ksa = startKsa(['tools'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });
    expect(await waitFor(async () => (await readdir(marks)).some((name) => name.startsWith('server-')), 30_000)).toBe(true);
    const pid = Number((await readdir(marks)).find((name) => name.startsWith('server-'))!.slice('server-'.length));
    ksa.kill('SIGINT');
    const result = await ksa.result;
    expect(result.code === 130 || result.signal === 'SIGINT', describeResult(result)).toBe(true);
    expect(await waitFor(() => gone(pid), 5000)).toBe(true);
  });
});
