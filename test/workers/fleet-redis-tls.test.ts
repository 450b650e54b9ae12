import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// TLS on one side only: rediss:// to a plain Redis waits for a handshake that never comes, redis://
// to a TLS port is hung up on. The check says which, not "no answer" or "not a Redis server" alone.

let redis: TestRedis;
let tlsRedis: TestRedis | undefined;
let tlsPort: number;
let certDir: string;
// A Redis that asks every client for a certificate, its own signed by a CA of the test's (which ksa is told to trust).
let certRedis: TestRedis | undefined;
let certPort: number;
let web: Server | undefined;
let webPort: number;
// A TLS server that completes the handshake (its certificate signed by the test's CA) and never answers.
let silent: TlsServer | undefined;
let silentPort: number;
// A TLS-only server that, as openssl s_server does, closes the connection in order (no reset) on a client that sends no TLS.
let closing: NetServer | undefined;
let closingPort: number;

/** Listens on a loopback port the system picks (no race with another test for a port found free before). */
async function listenOnAnyPort(server: Server | TlsServer | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  redis = await startRedis();
  certDir = mkdtempSync(path.join(tmpdir(), 'ksa-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  // A redis-server that speaks TLS only.
  tlsRedis = await startRedis({ tls: ['--tls-cert-file', path.join(certDir, 'cert.pem'), '--tls-key-file', path.join(certDir, 'key.pem'), '--tls-auth-clients', 'no'] });
  tlsPort = tlsRedis.port;

  const file = (name: string) => path.join(certDir, name);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=ksa-test-ca'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost'], { stdio: 'ignore' });
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  execFileSync('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('ext.cnf')], { stdio: 'ignore' });
  certRedis = await startRedis({ tls: ['--tls-cert-file', file('server.pem'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.pem'), '--tls-auth-clients', 'yes'] });
  certPort = certRedis.port;

  // Neither TLS nor Redis: a web server.
  web = createServer((_request, response) => response.end('hello'));
  webPort = await listenOnAnyPort(web);

  silent = createTlsServer({ key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')) }, () => {});
  silentPort = await listenOnAnyPort(silent);
  const tlsOnly = silent;
  closing = createNetServer((socket) =>
    socket.once('data', (data: Buffer) => {
      // 0x16: a TLS handshake record, handed to the TLS server; anything else is read, then the connection closed.
      if (data[0] !== 0x16) return void socket.end();
      socket.pause();
      socket.unshift(data);
      tlsOnly.emit('connection', socket);
    }),
  );
  closingPort = await listenOnAnyPort(closing);
}, 60_000);
afterAll(async () => {
  await redis?.cleanup();
  await tlsRedis?.cleanup();
  await certRedis?.cleanup();
  web?.close();
  silent?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe('Redis with TLS on one side only', () => {
  it('rediss:// to a Redis without TLS: the TLS handshake failed, try redis://', async () => {
    const url = `rediss://127.0.0.1:${redis.port}`;
    const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: TLS handshake failed: the server at ${url} may not use TLS (try redis://)`);
  }, 60_000);

  it('rediss:// to a Redis whose certificate no CA ksa trusts signed: says so and how to give ksa the CA (NODE_EXTRA_CA_CERTS), not Node\'s flags', async () => {
    for (const port of [tlsPort, certPort]) {
      const url = `rediss://127.0.0.1:${port}`;
      const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr).not.toContain('--use-system-ca');
      expect(result.stderr.trim()).toMatch(new RegExp(`^ksa: cannot use Redis at ${url.replace(/[.]/g, '\\.')}: the server's TLS certificate is not signed by a CA ksa trusts \\((self-signed certificate|self-signed certificate in certificate chain)\\): give ksa the CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca\\.pem$`));
    }
  }, 60_000);

  it('redis:// to a TLS port: not a Redis server, or one that expects TLS (try rediss://)', async () => {
    const url = `redis://127.0.0.1:${tlsPort}`;
    const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: the server there is not a Redis server (it answered something else, or hung up) — or it expects TLS (try rediss://)`);
  }, 60_000);

  it('redis:// to a TLS server that is not Redis and closes the connection in order: it closed the connection, or it expects TLS (try rediss://)', async () => {
    const url = `redis://127.0.0.1:${closingPort}`;
    for (const args of [['workers', '--redis', url], ['worker', '--redis', url, '--name', 'w-tls']]) {
      const result = await runKsa(args, { timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: the server there closed the connection without answering (it may not be a Redis server) — or it expects TLS (try rediss://)`);
    }
  }, 60_000);

  it('rediss:// to a Redis that asks for a client certificate: says so, and that ksa presents none', async () => {
    const url = `rediss://127.0.0.1:${certPort}`;
    const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000, env: { NODE_EXTRA_CA_CERTS: path.join(certDir, 'ca.pem') } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: the server at ${url} asks for a TLS client certificate, which ksa cannot present (it has no setting for one): let the server accept clients without one (tls-auth-clients no, or optional)`);
  }, 60_000);

  it('rediss:// to a server that is neither TLS nor Redis (a web server): the TLS handshake failed, not OpenSSL\'s words', async () => {
    const url = `rediss://127.0.0.1:${webPort}`;
    const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: TLS handshake failed: the server at ${url} may not use TLS (try redis://)`);
  }, 60_000);
});

// A TLS server that says nothing (a stopped Redis, or one that completes the handshake and never answers)
// is no TLS mismatch: it gets the words redis:// gets for a server that does not answer.
describe('rediss:// to a server that does not answer', () => {
  const noAnswer = (url: string) => `ksa: cannot use Redis at ${url}: no answer within 3 s (a stopped Redis, or something else that accepts connections there)`;

  it('a TLS server that completes the handshake and never answers: no answer, not a failed handshake', async () => {
    const url = `rediss://127.0.0.1:${silentPort}`;
    const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000, env: { NODE_EXTRA_CA_CERTS: path.join(certDir, 'ca.pem') } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(noAnswer(url));
  }, 60_000);

  it('a TLS Redis that is stopped (SIGSTOP): no answer, not a failed handshake', async () => {
    const url = `rediss://127.0.0.1:${tlsPort}`;
    tlsRedis!.freeze();
    try {
      const result = await runKsa(['workers', '--redis', url], { timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim()).toBe(noAnswer(url));
    } finally {
      tlsRedis!.thaw();
    }
  }, 60_000);
});
