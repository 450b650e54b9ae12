import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailedError, CommandNotFoundError, createArgvTool, dockerTool, helmTool, kubectlTool } from '../../src/tools/index.js';
import { createTempDir, createToolContext } from '../helpers/tool-context.js';

let ws: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
});

afterEach(async () => {
  await cleanup();
});

describe('argv tools', () => {
  it('pass arguments as argv, never through a shell', async () => {
    const echo = createArgvTool({ name: 'echo' });
    const output = await echo.execute({ args: ['a  b', '$HOME', '`id`', ';', '*'] }, createToolContext(ws));
    expect(output).toEqual({ stdout: 'a  b $HOME `id` ; *', stderr: '', exitCode: 0 });
  });

  it('name the binary when it fails', async () => {
    const node = createArgvTool({ name: 'node-tool', binary: process.execPath });
    const error = await node
      .execute({ args: ['-e', 'console.error("bad flag"); process.exit(2)'] }, createToolContext(ws))
      .catch((e: unknown) => e);
    expect(CommandFailedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`${process.execPath} exited with code 2: bad flag`);
  });

  it('report a binary missing from PATH in one line', async () => {
    const missing = createArgvTool({ name: 'kubectl', binary: 'ksa-no-such-binary-xyz' });
    const error = await missing.execute({ args: ['get', 'pods'] }, createToolContext(ws)).catch((e: unknown) => e);
    expect(CommandNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('ksa-no-such-binary-xyz: command not found on PATH (install it or fix PATH)');
  });

  it('describe the exact command line, quoting where a shell would need it', () => {
    expect(kubectlTool.describe({ args: ['get', 'pods', '-n', 'shop'] })).toBe('kubectl get pods -n shop');
    expect(helmTool.describe({ args: ['upgrade', '--install', 'web', './chart', '--set', 'a=b c'], cwd: 'deploy' })).toBe(
      "helm upgrade --install web ./chart --set 'a=b c' (in deploy)",
    );
    expect(dockerTool.describe({ args: ['run', '-e', "X=it's", ''] })).toBe(`docker run -e 'X=it'\\''s' ''`);
  });

  it('reject a shell string where args belong', () => {
    expect(kubectlTool.inputSchema.safeParse({ args: 'get pods' }).success).toBe(false);
    expect(kubectlTool.inputSchema.safeParse({ command: 'kubectl get pods' }).success).toBe(false);
  });
});
