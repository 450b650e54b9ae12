import { startKsa, type KsaProcess } from './cli.js';

/** Lost-attempt detection shortened for tests: lock 2 s, stalled check every 1 s. */
export const FAST_STALL_ENV = { KSA_WORKER_LOCK_MS: '2000', KSA_WORKER_STALLED_MS: '1000' };

/** Starts `ksa worker` and waits for its ready line. */
export async function startWorker(url: string, name: string, options: { labels?: string[]; concurrency?: number; cwd: string; home: string; json?: boolean; env?: Record<string, string> }): Promise<KsaProcess> {
  const args = ['worker', '--redis', url, '--name', name];
  if (options.labels?.length) args.push('--labels', options.labels.join(','));
  if (options.concurrency) args.push('--concurrency', String(options.concurrency));
  if (options.json) args.push('--json');
  const worker = startKsa(args, { cwd: options.cwd, home: options.home, env: { ...FAST_STALL_ENV, ...options.env }, timeoutMs: 120_000 });
  await worker.waitForOutput((stdout) => stdout.includes(options.json ? '"worker_started"' : 'ready'), 20_000);
  return worker;
}

/** Stops workers (SIGKILL) and waits for them. */
export async function stopAll(workers: readonly KsaProcess[]): Promise<void> {
  for (const worker of workers) worker.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.result.catch(() => undefined)));
}
