import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portRefuses } from './cli.js';

/** A real redis-server of the test's own, on a free loopback port, without persistence. */
export type TestRedis = {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL by default) and waits until the port refuses. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** SIGSTOP: it keeps its port and accepts connections, and answers nothing (a hung Redis). */
  freeze(): void;
  /** SIGCONT: a frozen Redis answers again, with what it was sent meanwhile. */
  thaw(): void;
  cleanup(): Promise<void>;
};

/** `conf`: lines of a redis.conf it starts from (ACL users: `user ops on >pw ~* &* +@all`). */
export async function startRedis(options: { password?: string; conf?: readonly string[] } = {}): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-redis-'));
  const port = await freePort();
  const confFile = path.join(dir, 'redis.conf');
  if (options.conf) await writeFile(confFile, `${options.conf.join('\n')}\n`);
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = [...(options.conf ? [confFile] : []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...(options.password ? ['--requirepass', options.password] : [])];
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (await portRefuses(port)) {
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill(signal);
    await exited;
    while (!(await portRefuses(port))) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await launch();
  return {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    stop,
    restart: launch,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
