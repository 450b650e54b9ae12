import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { parseCommand } from '../helpers/old-redis-server.js';

// A Redis still loading its data (just started with a large RDB or AOF) answers every command with
// "LOADING Redis is loading the dataset in memory". A real one cannot be made to load slowly here: a
// server on a loopback port answers so in the Redis protocol, to whatever it is asked.

let sandbox: CliSandbox;
let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-redis-loading-');
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let parsed = parseCommand(buffer); parsed; parsed = parseCommand(buffer)) {
        buffer = buffer.subarray(parsed.length);
        socket.write('-LOADING Redis is loading the dataset in memory\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `redis://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await sandbox?.cleanup();
});

describe('a Redis still loading its data', () => {
  it('ksa worker, ksa workers and ksa run say so in one line, exit 1, before anything starts', async () => {
    const plan = await sandbox.writePlan('plan.yaml', 'goal: On a worker\nsteps:\n  - id: s\n    runsOn: [web]\n    tool: shell\n    args: { command: "true" }\n');
    const line = `ksa: cannot use Redis at ${url}: the Redis server is still loading its data into memory; try again shortly`;
    for (const args of [['workers', '--redis', url], ['worker', '--redis', url, '--name', 'w1'], ['run', plan, '--yes', '--redis', url]]) {
      const result = await runKsa(args, { home: sandbox.home, cwd: sandbox.dir, env: { KSA_REDIS_URL: undefined }, timeoutMs: 20_000 });
      expect(result.code, describeResult(result)).toBe(1);
      // ksa run shows the plan before it opens the Redis; the error is its last line, and said once.
      expect(result.stderr.trim().split('\n').at(-1), args[0]).toBe(line);
      expect(result.stderr.split('cannot use Redis').length - 1, args[0]).toBe(1);
    }
  }, 60_000);
});
