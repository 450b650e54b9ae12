import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './local-server.js';

/**
 * A pass-through proxy in front of the fake OpenAI server that can pace a
 * streamed reply: the SSE events of the next N streamed responses are sent
 * `delayMs` apart, so a test can press Esc while an answer is still arriving.
 * A held reply stops after some events and stays open until the client closes
 * it: only an interrupt ends it, however slow the machine.
 * Everything else is forwarded as is.
 */
export type PacedProxy = {
  /** `http://127.0.0.1:PORT/v1`, for OPENAI_BASE_URL. */
  readonly baseURL: string;
  /** The next streamed response sends one SSE event every `delayMs`; with `holdAfter`, only that many, then nothing until the client closes it. */
  paceNext(delayMs: number, options?: { readonly holdAfter?: number }): void;
  /** Streamed responses the client closed before their end (interrupted). */
  readonly abandoned: number;
  close(): Promise<void>;
};

export async function startPacedProxy(upstreamBaseURL: string): Promise<PacedProxy> {
  const paces: { delayMs: number; holdAfter?: number }[] = [];
  let abandoned = 0;
  const server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const upstream = await fetch(upstreamBaseURL.replace(/\/v1$/, '') + (req.url ?? ''), {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: req.headers.authorization ?? '' },
      body: req.method === 'GET' ? undefined : body,
    });
    const text = await upstream.text();
    const streamed = (upstream.headers.get('content-type') ?? '').includes('text/event-stream');
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    const pace = streamed ? paces.shift() : undefined;
    if (pace === undefined) {
      res.end(text);
      return;
    }
    const events = text.split('\n\n').filter((event) => event !== '');
    let closed = false;
    const closing = new Promise<void>((resolve) =>
      res.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    for (const event of events.slice(0, pace.holdAfter)) {
      if (closed || res.destroyed) {
        abandoned++;
        return;
      }
      res.write(`${event}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, pace.delayMs));
    }
    if (pace.holdAfter !== undefined && pace.holdAfter < events.length) {
      await closing;
      abandoned++;
      return;
    }
    res.end();
  }

  const port = await listenLocal(server);
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    paceNext: (delayMs, options = {}) => void paces.push({ delayMs, ...options }),
    get abandoned() {
      return abandoned;
    },
    close: () => closeServer(server),
  };
}
