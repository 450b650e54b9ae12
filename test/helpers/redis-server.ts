import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/**
 * `conf`: lines of a redis.conf it starts from (ACL users: `user ops on >pw ~* &* +@all`).
 * `tls`: TLS arguments (`--tls-cert-file`, …): it then speaks TLS only, on `port`.
 * `bind`: the address it listens on (default 127.0.0.1; `::1` for IPv6 loopback only, `url` then `redis://[::1]:port`).
 */
export async function startRedis(options: { password?: string; conf?: readonly string[]; tls?: readonly string[]; bind?: string } = {}): Promise<TestRedis> {
  const bind = options.bind ?? '127.0.0.1';
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-redis-'));
  const confFile = path.join(dir, 'redis.conf');
  const logFile = path.join(dir, 'redis.log');
  if (options.conf) await writeFile(confFile, `${options.conf.join('\n')}\n`);
  let child: ChildProcess | undefined;
  let port = 0;
  // A port free a moment ago may be taken by another test's server before this one binds it: only this
  // server's own log saying it is ready proves that the port answers for it, not for someone else's.
  const launch = async (): Promise<'ready' | 'port taken'> => {
    await writeFile(logFile, '');
    const ports = options.tls ? ['--port', '0', '--tls-port', String(port), ...options.tls] : ['--port', String(port)];
    const args = [...(options.conf ? [confFile] : []), ...ports, '--bind', bind, '--dir', dir, '--logfile', logFile, '--save', '', '--appendonly', 'no', ...(options.password ? ['--requirepass', options.password] : [])];
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    let exited = false;
    started.once('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (log.includes('Ready to accept connections')) return 'ready';
      if (exited) {
        if (/bind: Address already in use/.test(log)) return 'port taken';
        throw new Error(`redis-server on port ${port} exited before it was ready: ${log.trim().split('\n').at(-1) ?? ''}`);
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  for (let tries = 0; ; tries += 1) {
    port = await freePort();
    if ((await launch()) === 'ready') break;
    if (tries === 20) throw new Error('redis-server found no free port in 20 tries');
  }
  const restart = async () => {
    if ((await launch()) === 'port taken') throw new Error(`redis-server could not start again: port ${port} was taken meanwhile`);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill(signal);
    await exited;
    while (!(await portRefuses(port, bind))) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ''}${bind.includes(':') ? `[${bind}]` : bind}:${port}`,
    stop,
    restart,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
