import type { Redis } from 'ioredis';

/**
 * Calls `onChange(true)` when a ready connection to Redis is lost, and `onChange(false)` once it is
 * ready again. Commands wait for the reconnect meanwhile (maxRetriesPerRequest: null), so without a
 * word the run would just seem to hang while Redis is away.
 */
export function watchOutage(client: Redis, onChange: (down: boolean) => void): void {
  let ready = client.status === 'ready';
  let down = false;
  client.on('ready', () => {
    ready = true;
    if (!down) return;
    down = false;
    onChange(false);
  });
  client.on('close', () => {
    if (!ready || down) return;
    down = true;
    onChange(true);
  });
}
