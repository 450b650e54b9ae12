import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, nonEmptyLines, runKsa, type CliSandbox } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A Redis that takes the connection and never answers (a stopped redis-server, a firewall that accepts,
// another program on the port) is one line naming the URL and the cause, as one that refuses is; no
// command waits for it forever.

let sandbox: CliSandbox;
let silent: { url: string; close(): Promise<void> };
let stopped: TestRedis;
let planFile: string;

/** A TCP server that accepts connections and says nothing. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-silent-redis-');
  silent = await startSilentServer();
  stopped = await startRedis();
  stopped.freeze();
  planFile = await sandbox.writePlan('plan.yaml', 'goal: Silent\nsteps:\n  - id: a\n    tool: shell\n    runsOn: [web]\n    args: { command: "echo a > a.txt" }\n');
});
afterAll(async () => {
  await silent?.close();
  await stopped?.cleanup();
  await sandbox?.cleanup();
});

const ksa = (args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 30_000 });
const line = (url: string) => `ksa: cannot use Redis at ${url}: no answer within 3 s (a stopped Redis, or something else that accepts connections there)`;

describe.concurrent('a Redis that never answers', () => {
  it.for(['silent', 'stopped'] as const)('%s: ksa run, ksa worker and ksa workers each end with one line naming it, exit 1', async (kind) => {
    const url = kind === 'silent' ? silent.url : stopped.url;
    const [run, worker, workers] = await Promise.all([ksa(['run', planFile, '--yes', '--redis', url]), ksa(['worker', '--redis', url, '--labels', 'web']), ksa(['workers', '--redis', url])]);
    for (const result of [run, worker, workers]) {
      expect(result.code, describeResult(result)).toBe(1);
      expect(nonEmptyLines(result.stderr).filter((text) => text.startsWith('ksa:')), describeResult(result)).toEqual([line(url)]);
    }
  });

  it('ksa validate: a warning that the labels were not checked, exit 0', async () => {
    const result = await ksa(['validate', planFile, '--redis', silent.url]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(nonEmptyLines(result.stderr)).toEqual([`ksa: warning: runsOn labels not checked against live workers: ${line(silent.url).slice('ksa: '.length)}`]);
  });
});
