import { ksaHome } from '../../store/index.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { readLiveWorkers, requiredRedisUrl } from '../remote-run.js';
import { recordedRedisUrl, redisFlagHint } from '../../workers/redis-url.js';

export type WorkersFlags = { redis?: string; json?: boolean };

/** `ksa workers`: the live workers as their heartbeats in Redis say. */
export async function workersCommand(io: CliIO, flags: WorkersFlags): Promise<ExitCodeValue> {
  const url = await requiredRedisUrl(io, flags.redis, ksaHome(io.env));
  const { display, workers, now } = await readLiveWorkers(url);
  if (flags.json) {
    // The process identity in an entry is for a restart on its machine to tell it died, not to show.
    const shown = workers.map(({ bootId: _boot, startTicks: _ticks, ...info }) => info);
    writeLine(io.stdout, JSON.stringify({ redis: display, workers: shown }, null, 2));
    return ExitCode.ok;
  }
  if (workers.length === 0) {
    // A password is never shown: the hint says where it goes, as the run hints do.
    writeLine(io.stdout, `no live workers at ${display} (start one with: ksa worker${redisFlagHint(recordedRedisUrl(url))})`);
    return ExitCode.ok;
  }
  for (const info of workers) {
    const seen = Math.max(0, Math.round((now - Date.parse(info.lastSeen)) / 1000));
    writeLine(io.stdout, `${info.name}  labels ${info.labels.length > 0 ? info.labels.join(',') : '-'}  ${info.host} pid ${info.pid}  running ${info.running.length}/${info.concurrency}  seen ${seen}s ago${info.stopping ? '  stopping (takes no new step)' : ''}`);
  }
  return ExitCode.ok;
}
