import { createServer, type Server, type Socket } from 'node:net';

/**
 * A server on a loopback port that speaks RESP (the Redis protocol) and says
 * it is an old Redis (`INFO` answers `redis_version:<version>`).
 *
 * Why not a real one: no Redis older than the one Debian packages (7.x) can be
 * installed here, and the version check is only reachable with an old server.
 * This is a real socket and the real wire protocol that ioredis and BullMQ
 * speak; it answers the handshake and read-only commands an old server would
 * (PING, INFO, SELECT, AUTH), "unknown command" to everything else, and keeps
 * every command it received so a test can see that nothing was written.
 */
export type OldRedis = {
  readonly port: number;
  readonly url: string;
  /** Every command received, upper-cased name first ("PING", "INFO server", …). */
  readonly commands: string[];
  close(): Promise<void>;
};

export async function startOldRedis(version = '4.0.0'): Promise<OldRedis> {
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) break;
        buffer = buffer.subarray(parsed.length);
        const [name = '', ...args] = parsed.args;
        commands.push([name.toUpperCase(), ...args].join(' '));
        socket.write(reply(name.toUpperCase(), args, version));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function reply(name: string, args: readonly string[], version: string): string {
  switch (name) {
    case 'PING':
      return '+PONG\r\n';
    case 'INFO': {
      // What Redis 4 prints for INFO (server section first; `loading:0` for ioredis' ready check).
      const text = `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\nos:Linux\r\n\r\n# Persistence\r\nloading:0\r\n`;
      return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
    }
    case 'SELECT':
    case 'AUTH':
      return '+OK\r\n';
    default:
      return `-ERR unknown command '${[name, ...args].join(' ').slice(0, 60)}'\r\n`;
  }
}

/** One RESP multi-bulk command (`*N\r\n$len\r\narg\r\n…`) at the start of `buffer`, or undefined if incomplete. */
export function parseCommand(buffer: Buffer): { args: string[]; length: number } | undefined {
  let offset = 0;
  const line = (): string | undefined => {
    const end = buffer.indexOf('\r\n', offset);
    if (end === -1) return undefined;
    const text = buffer.subarray(offset, end).toString('utf8');
    offset = end + 2;
    return text;
  };
  const head = line();
  if (head === undefined) return undefined;
  if (!head.startsWith('*')) return { args: head.split(' '), length: offset }; // an inline command
  const count = Number(head.slice(1));
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    const size = line();
    if (size === undefined) return undefined;
    const n = Number(size.slice(1));
    if (buffer.length < offset + n + 2) return undefined;
    args.push(buffer.subarray(offset, offset + n).toString('utf8'));
    offset += n + 2;
  }
  return { args, length: offset };
}
