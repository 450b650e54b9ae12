import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { RedisTarget } from './redis-connection.js';

/**
 * A TLS client (rediss://) talking to a plain Redis sends its handshake and waits: the server
 * waits for the end of a command line that never comes, so the check would only say "no answer".
 * A plain connection that is accepted there tells the two apart from a host that does not answer.
 */
export function acceptsPlainConnection(target: RedisTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.options.host ?? '127.0.0.1', port: target.options.port ?? 6379 });
    const done = (accepted: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(accepted);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function tlsHandshakeFailed(display: string): string {
  return `TLS handshake failed: the server at ${display} may not use TLS (try redis://)`;
}

/**
 * A plain client (redis://) at a TLS port is hung up on at its first command, as by something that is not
 * Redis (a web server may hang up too): whether a TLS handshake succeeds there tells which.
 */
export function completesTlsHandshake(target: RedisTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    // Only whether the server speaks TLS is asked, not who it is: nothing is sent over it.
    const socket = connectTls({ host: target.options.host ?? '127.0.0.1', port: target.options.port ?? 6379, rejectUnauthorized: false });
    const done = (completed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(completed);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export const MAYBE_TLS = ' — or it expects TLS (try rediss://)';

/** What a rediss:// connection's errors mean, in words instead of OpenSSL's: a server that answers something other than TLS (a plain Redis, a web server). */
export async function tlsRefusal(errors: readonly unknown[], target: RedisTarget): Promise<string | undefined> {
  const codes = errors.map((error) => (error as NodeJS.ErrnoException | undefined)?.code);
  const texts = errors.map((error) => (error instanceof Error ? error.message : String(error)));
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || texts.some((text) => /wrong version number/i.test(text))) return tlsHandshakeFailed(target.display);
  return undefined;
}
