import type { Redis } from 'ioredis';
import type { StepJobData } from './queue-names.js';
import { REDACTED } from '../planning/redacted.js';

/** Writes the scrubbed data only into a job that is still there: a removed job must not come back as a bare hash. */
const REPLACE_DATA = `if redis.call('exists', KEYS[1]) == 1 then redis.call('hset', KEYS[1], 'data', ARGV[1]) end return 0`;

/**
 * The jobs of a run whose arguments hold its secrets. A worker takes them out once it has run a job;
 * a job whose worker died (an attempt lost) or that no worker ran before the run ended would keep
 * them in clear in Redis for as long as the job is kept (a day): the coordinator takes them out then.
 */
export class JobScrubber {
  /** Job keys (`ksa:<queue>:<id>`) added with secrets, not scrubbed yet. */
  private readonly keys = new Set<string>();

  /** A job added with `data`: remembered if it carries secrets. */
  added(key: string, data: StepJobData): void {
    if (data.secrets && data.secrets.length > 0) this.keys.add(key);
  }

  /** Takes the secrets out of one job (its arguments with them as ***); never fails. */
  async scrub(client: Redis, key: string): Promise<void> {
    if (!this.keys.delete(key)) return;
    // Redis away or the job unreadable: nothing more can be done from here.
    await scrubJob(client, key).catch(() => {});
  }

  /** Every job still holding secrets (the run has ended). */
  async scrubAll(client: Redis): Promise<void> {
    await Promise.all([...this.keys].map((key) => this.scrub(client, key)));
  }
}

/** The job at `key` with its arguments' secrets as ***; nothing for a job without any, or gone. Fails when Redis does. */
export async function scrubJob(client: Redis, key: string): Promise<void> {
  const stored = await client.hget(key, 'data');
  const data = stored === null ? undefined : parsedData(stored);
  if (!data || !Array.isArray(data.secrets) || data.secrets.length === 0) return;
  const { secrets, ...rest } = data;
  await client.eval(REPLACE_DATA, 1, key, JSON.stringify({ ...rest, args: masked(data.args, secrets) }));
}

/** A hash of a job's key shape some other program wrote holds no job data of ksa's: left as it is. */
function parsedData(stored: string): StepJobData | undefined {
  try {
    const data: unknown = JSON.parse(stored);
    return typeof data === 'object' && data !== null ? (data as StepJobData) : undefined;
  } catch {
    return undefined;
  }
}

/** `value` with every secret in its strings written as ***, the longest first (one may hold another), and a number equal to one (a PIN) as ***. */
export function masked(value: unknown, secrets: readonly string[]): unknown {
  const longestFirst = [...secrets].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  const mask = (text: string) => longestFirst.reduce((masked, secret) => masked.split(secret).join(REDACTED), text);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return mask(item);
    if (typeof item === 'number' && longestFirst.includes(String(item))) return REDACTED;
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, each]) => [key, walk(each)]));
    return item;
  };
  return walk(value);
}
