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

/** A reconnect the server answered, and refused for its credentials (a password rotated, an ACL user dropped). */
const REFUSED = /WRONGPASS|NOAUTH|invalid username-password/i;

/**
 * Calls `onRefused` once per outage when Redis refuses a reconnect's password or user. ioredis goes on
 * retrying (the old password may be restored), and the outage alone would say only "waiting for it to
 * come back", for ever: this says the true cause, once, until a connection is ready again.
 */
export function watchRefusal(client: Redis, onRefused: (line: string) => void, display: string): void {
  let said = false;
  client.on('ready', () => (said = false));
  client.on('error', (error: unknown) => {
    if (said || !REFUSED.test(error instanceof Error ? error.message : String(error))) return;
    said = true;
    onRefused(refusedOnReconnect(display, error));
  });
}

export function refusedOnReconnect(display: string, error: unknown): string {
  const refusal = /NOAUTH/i.test(error instanceof Error ? error.message : String(error)) ? 'asked for a password ksa was not given' : 'refused the password (or user)';
  return `Redis at ${display} ${refusal} on reconnect; still trying, in case it is restored (after a password change, stop ksa and start it again with the new one)`;
}
