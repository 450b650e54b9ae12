import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailedError, ProcessOutputSchema, ToolError, shellTool } from '../../src/tools/index.js';
import { createTempDir, createToolContext, waitFor } from '../helpers/tool-context.js';

let ws: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
});

afterEach(async () => {
  await cleanup();
});

describe('shell', () => {
  it('returns stdout, stderr and exit code 0, one trailing newline removed', async () => {
    const output = await shellTool.execute({ command: 'echo hello; echo warn >&2' }, createToolContext(ws));
    expect(output).toEqual({ stdout: 'hello', stderr: 'warn', exitCode: 0 });
    expect(ProcessOutputSchema.parse(output)).toEqual(output);
  });

  it.skipIf(process.platform !== 'linux')('a command line longer than Linux takes in one argument says so and how to pass the data, not "spawn E2BIG"', async () => {
    const error = await shellTool.execute({ command: `echo ${'a'.repeat(300_000)} | wc -c` }, createToolContext(ws)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message.replace(/^\S*bash: /, 'bash: ')).toBe(
      'bash: could not start: its command line is too long for the system (at most 128 KiB in one argument, usually from a large output put in with {{ }}); pass large data through a file instead (write_file, then read the file in the command)',
    );
  });

  it('a background process left holding the output: the step waits for it, and a line of its output says why', async () => {
    const context = createToolContext(ws);
    const output = await shellTool.execute({ command: 'sleep 4 & echo started' }, context);
    expect(output).toEqual({ stdout: 'started', stderr: '', exitCode: 0 });
    const notice = context.lines.find((entry) => entry.line.startsWith('ksa: '));
    expect(notice).toMatchObject({ stream: 'stderr', line: expect.stringContaining('ksa: the shell exited with code 0, but a process it started in the background still holds its output') });
    expect(notice!.line).toContain('nohup … > file 2>&1 &');
  }, 15_000);

  it('a background process started with its output redirected: the step ends with the shell, nothing said', async () => {
    const context = createToolContext(ws);
    await shellTool.execute({ command: 'sleep 4 > /dev/null 2>&1 & echo started' }, context);
    expect(context.lines.map((entry) => entry.line)).toEqual(['started']);
  });

  it('fails on a non-zero exit with the last stderr line in a one-line message', async () => {
    const error = await shellTool
      .execute({ command: 'echo partial; echo "first problem" >&2; echo "  real cause  " >&2; echo >&2; exit 3' }, createToolContext(ws))
      .catch((e: unknown) => e);
    expect(CommandFailedError.isInstance(error)).toBe(true);
    const failed = error as CommandFailedError;
    expect(failed.message).toBe('command exited with code 3: real cause');
    expect(failed.exitCode).toBe(3);
    expect(failed.stdout).toBe('partial');
    expect(failed.stderr).toBe('first problem\n  real cause  \n');
  });

  it('uses stdout for the message when stderr is empty, and says so when both are', async () => {
    await expect(shellTool.execute({ command: 'echo "no such thing"; exit 4' }, createToolContext(ws))).rejects.toThrow(
      'command exited with code 4: no such thing',
    );
    await expect(shellTool.execute({ command: 'exit 1' }, createToolContext(ws))).rejects.toThrow(/^command exited with code 1$/);
  });

  it('streams lines in order as they arrive, joining partial lines and keeping a last line without newline', async () => {
    const context = createToolContext(ws);
    // The command waits for a gate the test opens only once it has seen the first lines: they came before the end.
    const gate = path.join(ws, 'streams.gate');
    const run = shellTool.execute({ command: `printf 'one\\ntw'; sleep 0.05; printf 'o\\r\\n'; echo err >&2; while [ ! -f '${gate}' ]; do sleep 0.05; done; printf 'three'` }, context);
    expect(await waitFor(() => context.lines.length === 3, 10_000), 'the first lines did not arrive while the command ran').toBe(true);
    await writeFile(gate, '');
    const output = await run;
    expect(context.lines.map(({ line, stream }) => [stream, line])).toEqual([
      ['stdout', 'one'],
      ['stdout', 'two'],
      ['stderr', 'err'],
      ['stdout', 'three'],
    ]);
    expect(output.stdout).toBe('one\ntwo\r\nthree');
  });

  it('bounds the captured output but still streams all of it', async () => {
    const context = createToolContext(ws);
    const output = await shellTool.execute({ command: "head -c 3000000 /dev/zero | tr '\\0' a; echo; echo tail-marker" }, context);
    expect(output.truncated).toBe(true);
    expect(output.stdout.length).toBeLessThan(1024 * 1024 + 100);
    expect(output.stdout).toMatch(/^a{1000}/);
    expect(output.stdout).toMatch(/\n…\[\d+ bytes truncated\]…\n/);
    expect(output.stdout.endsWith('a\ntail-marker')).toBe(true);
    const streamed = context.lines.map((l) => l.line);
    expect(streamed.at(-1)).toBe('tail-marker');
    expect(streamed.slice(0, -1).join('').length).toBe(3_000_000);
  });

  it('merges env over the current environment', async () => {
    const output = await shellTool.execute({ command: 'echo "$KSA_TEST_VAR|$PATH"', env: { KSA_TEST_VAR: 'a b' } }, createToolContext(ws));
    const [value, pathVar] = output.stdout.split('|');
    expect(value).toBe('a b');
    expect(pathVar).toBe(process.env.PATH);
  });

  it('runs in the workspace, or in cwd relative to it', async () => {
    await mkdir(path.join(ws, 'app'));
    expect((await shellTool.execute({ command: 'pwd' }, createToolContext(ws))).stdout).toBe(ws);
    expect((await shellTool.execute({ command: 'pwd', cwd: 'app' }, createToolContext(ws))).stdout).toBe(path.join(ws, 'app'));
    expect((await shellTool.execute({ command: 'pwd', cwd: ws }, createToolContext('/'))).stdout).toBe(ws);
  });

  it('says clearly when cwd does not exist or is a file', async () => {
    await writeFile(path.join(ws, 'file'), 'x');
    const missing = await shellTool.execute({ command: 'true', cwd: 'nope' }, createToolContext(ws)).catch((e: unknown) => e);
    expect(ToolError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toBe(`cwd "nope" (${path.join(ws, 'nope')}) does not exist`);
    await expect(shellTool.execute({ command: 'true', cwd: 'file' }, createToolContext(ws))).rejects.toThrow(/cwd "file" .* is not a directory/);
  });

  it('closes stdin, so a command waiting for input ends at once', async () => {
    const output = await shellTool.execute({ command: 'cat; echo done' }, createToolContext(ws));
    expect(output.stdout).toBe('done');
  });

  it('describes the call as the command, with its cwd', () => {
    expect(shellTool.describe({ command: 'npm ci' })).toBe('npm ci');
    expect(shellTool.describe({ command: 'npm ci', cwd: 'app' })).toBe('npm ci (in app)');
  });
});
