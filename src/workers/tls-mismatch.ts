import { connect } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { RedisTarget } from './redis-connection.js';

/**
 * A TLS client (rediss://) talking to a plain Redis sends its handshake and waits: the server
 * waits for the end of a command line that never comes, so the check would only say "no answer".
 * A plain PING answered there (PONG, or a Redis error such as NOAUTH) tells a plain Redis apart from
 * a server that is stopped or does not answer at all, whose connection the kernel accepts all the same.
 */
export function answersPlainRedis(target: RedisTarget, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.options.host ?? '127.0.0.1', port: target.options.port ?? 6379 });
    const done = (plain: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(plain);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data: Buffer) => done(data[0] === 0x2b || data[0] === 0x2d));
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
  // Only whether the server speaks TLS is asked, not who it is: nothing is sent over it.
  return tlsProbe(target, timeoutMs, (socket, done) => {
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A TLS connection of its own to the server, ended at the first answer `listen` gives, or `false` after `timeoutMs`. */
function tlsProbe(target: RedisTarget, timeoutMs: number, listen: (socket: TLSSocket, done: (answer: boolean) => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTls({ host: target.options.host ?? '127.0.0.1', port: target.options.port ?? 6379, rejectUnauthorized: false });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    listen(socket, done);
  });
}

export const MAYBE_TLS = ' — or it expects TLS (try rediss://)';

const CERTIFICATE_REQUIRED = 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED';

/**
 * What a rediss:// connection's errors mean, in words instead of OpenSSL's: a server that asks for a client
 * certificate (ksa presents none), or one that answers something other than TLS (a plain Redis, a web server).
 * The certificate's refusal comes after the handshake, and the client often sees only the connection reset
 * by it: a connection of its own, which reads, asks then.
 */
export async function tlsRefusal(errors: readonly unknown[], target: RedisTarget): Promise<string | undefined> {
  const codes = errors.map((error) => (error as NodeJS.ErrnoException | undefined)?.code);
  const texts = errors.map((error) => (error instanceof Error ? error.message : String(error)));
  if (codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') || texts.some((text) => /wrong version number/i.test(text))) return tlsHandshakeFailed(target.display);
  const certificate = codes.includes(CERTIFICATE_REQUIRED) || ((codes.includes('ECONNRESET') || codes.includes('EPIPE')) && (await asksClientCertificate(target)));
  return certificate ? `the server at ${target.display} asks for a TLS client certificate, which ksa cannot present (it has no setting for one): let the server accept clients without one (tls-auth-clients no, or optional)` : undefined;
}

/** Whether the TLS server there refuses a client without a certificate (TLS 1.3 says so once the client reads). */
function asksClientCertificate(target: RedisTarget, timeoutMs = 1000): Promise<boolean> {
  // Who the server is does not matter here: only whether it wants a certificate. Nothing but a PING is sent.
  return tlsProbe(target, timeoutMs, (socket, done) => {
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.once('data', () => done(false));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === CERTIFICATE_REQUIRED));
  });
}
