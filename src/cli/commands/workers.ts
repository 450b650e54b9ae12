import { ksaHome } from '../../store/index.js';
import { liveWorkers } from '../../workers/index.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { CliError } from '../errors.js';
import { writeLine, type CliIO } from '../io.js';
import { checkedTarget, redisUrlFor } from '../remote-run.js';

export type WorkersFlags = { redis?: string; json?: boolean };

/** `ksa workers`: the live workers as their heartbeats in Redis say. */
export async function workersCommand(io: CliIO, flags: WorkersFlags): Promise<ExitCodeValue> {
  const url = await redisUrlFor(io, flags.redis, ksaHome(io.env));
  if (!url) throw new CliError({ message: 'no Redis given: pass --redis redis://host:6379, or set KSA_REDIS_URL, or "redis" in $KSA_HOME/config.json' });
  const target = await checkedTarget(url);
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...target.options, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const workers = await liveWorkers(client);
    if (flags.json) {
      writeLine(io.stdout, JSON.stringify({ redis: target.display, workers }, null, 2));
      return ExitCode.ok;
    }
    if (workers.length === 0) {
      writeLine(io.stdout, `no live workers at ${target.display} (start one with: ksa worker --redis ${target.display})`);
      return ExitCode.ok;
    }
    const now = Date.now();
    for (const info of workers) {
      const seen = Math.max(0, Math.round((now - Date.parse(info.lastSeen)) / 1000));
      writeLine(io.stdout, `${info.name}  labels ${info.labels.length > 0 ? info.labels.join(',') : '-'}  ${info.host} pid ${info.pid}  running ${info.running.length}/${info.concurrency}  seen ${seen}s ago`);
    }
    return ExitCode.ok;
  } finally {
    client.disconnect();
  }
}
