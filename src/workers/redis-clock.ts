import type { Redis } from 'ioredis';

/**
 * Now, by Redis's clock (ms). Liveness is measured on it alone: a worker's heartbeat is stamped and read
 * on the same clock, so a machine whose clock is off (behind or ahead) is neither dropped nor kept alive.
 */
export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
