import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './local-server.js';

/**
 * Replays recorded model-server answers (test/corpus/models/*.http) over real
 * HTTP. A corpus file is a header of `# key: value` lines (what the case is and
 * what ksa must do with it), then one or more raw HTTP answers separated by a
 * line `###`: a status line, headers, a blank line, the body exactly as sent
 * (JSON, SSE frames, HTML, plain text).
 *
 * Which answer a request gets: an answer with `x-replay-when: <conditions>` is
 * a rule, used whenever its conditions hold (format=json_schema|json_object|none,
 * tools, no-tools, stream, path=models, request=N); the others are used in
 * order, the last one repeating. `x-replay-*` headers steer the replay and are
 * not sent: `x-replay-delay-ms`, `x-replay-hang` (never answer),
 * `x-replay-repeat-last-ms` (an endless stream: the last frame again and again),
 * `x-replay-close: abrupt` (the connection dies after the body).
 */

export type RecordedAnswer = {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly when?: string;
};

export type CorpusCase = {
  readonly file: string;
  readonly meta: Readonly<Record<string, string>>;
  /** Every `# key:` line, for keys that repeat (stdout-has…). */
  readonly metaAll: readonly (readonly [string, string])[];
  readonly answers: readonly RecordedAnswer[];
};

export type ReplayRequest = { readonly path: string; readonly body: Record<string, unknown> | undefined; readonly format: string; readonly tools: boolean; readonly stream: boolean };

export type ReplayServer = {
  readonly baseURL: string;
  readonly requests: ReplayRequest[];
  close(): Promise<void>;
};

export function parseCorpusCase(file: string, text: string): CorpusCase {
  const lines = text.split('\n');
  const metaAll: [string, string][] = [];
  let index = 0;
  for (; index < lines.length && (lines[index]!.startsWith('#') && !lines[index]!.startsWith('###')); index++) {
    const match = /^#\s*([\w-]+):\s?(.*)$/.exec(lines[index]!);
    if (match) metaAll.push([match[1]!, match[2]!]);
  }
  const rest = lines.slice(index).join('\n');
  const answers = rest
    .split(/^###[ \t]*$\n?/m)
    .map((block) => block.replace(/^\n+/, ''))
    .filter((block) => block.trim())
    .map((block) => parseAnswer(file, block));
  if (answers.length === 0) throw new Error(`${file}: no HTTP answer`);
  return { file, meta: Object.fromEntries(metaAll), metaAll, answers };
}

function parseAnswer(file: string, block: string): RecordedAnswer {
  const split = block.indexOf('\n\n');
  const head = split >= 0 ? block.slice(0, split) : block;
  const body = split >= 0 ? block.slice(split + 2) : '';
  const [statusLine, ...headerLines] = head.split('\n');
  const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine ?? '');
  if (!status) throw new Error(`${file}: expected a status line like "HTTP/1.1 200 OK", got "${statusLine}"`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const { 'x-replay-when': when, ...rest } = headers;
  return { status: Number(status[1]), statusText: status[2] ?? '', headers: rest, body, when };
}

export async function loadCorpusCase(file: string): Promise<CorpusCase> {
  return parseCorpusCase(file, await readFile(file, 'utf8'));
}

function matches(when: string, request: ReplayRequest, chatIndex: number): boolean {
  return when.split(',').every((condition) => {
    const [key, value] = condition.trim().split('=') as [string, string | undefined];
    switch (key) {
      case 'format':
        return request.format === value;
      case 'tools':
        return request.tools;
      case 'no-tools':
        return !request.tools;
      case 'stream':
        return request.stream;
      case 'path':
        return request.path.endsWith(`/${value}`);
      case 'request':
        return chatIndex === Number(value);
      default:
        throw new Error(`unknown x-replay-when condition "${condition}"`);
    }
  });
}

export async function startReplayServer(corpus: CorpusCase): Promise<ReplayServer> {
  const requests: ReplayRequest[] = [];
  const rules = corpus.answers.filter((answer) => answer.when);
  const sequence = corpus.answers.filter((answer) => !answer.when);
  let next = 0;
  let chatRequests = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '').replace(/\?.*$/, '').replace(/\/+$/, '');
    const format = (body?.response_format as { type?: string } | undefined)?.type ?? 'none';
    const request: ReplayRequest = { path, body, format, tools: Array.isArray(body?.tools) && body.tools.length > 0, stream: body?.stream === true };
    requests.push(request);
    const isChat = path.endsWith('/chat/completions');
    const chatIndex = isChat ? chatRequests++ : -1;
    let answer = rules.find((rule) => matches(rule.when!, request, chatIndex));
    if (!answer && path.endsWith('/models')) answer = DEFAULT_MODELS;
    if (!answer && isChat) answer = sequence[Math.min(next++, sequence.length - 1)];
    if (!answer) answer = { status: 404, statusText: 'Not Found', headers: { 'content-type': 'application/json' }, body: '{"error":{"message":"no such route"}}' };
    await send(res, answer);
  }

  async function send(res: ServerResponse, answer: RecordedAnswer): Promise<void> {
    const { 'x-replay-delay-ms': delay, 'x-replay-hang': hang, 'x-replay-repeat-last-ms': repeat, 'x-replay-close': close, ...headers } = answer.headers;
    if (hang) return;
    if (delay) await new Promise((resolve) => setTimeout(resolve, Number(delay)));
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.statusText, headers);
    if (repeat) {
      const frames = answer.body.split(/\n\n/).filter((frame) => frame.trim());
      for (const frame of frames) res.write(`${frame}\n\n`);
      const last = frames.at(-1) ?? '';
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(`${last}\n\n`);
      }, Number(repeat));
      timers.add(timer);
      res.once('close', () => clearInterval(timer));
      return;
    }
    if (close === 'abrupt') {
      res.write(answer.body);
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.end(answer.body);
  }

  const port = await listenLocal(server);
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await closeServer(server);
    },
  };
}

const DEFAULT_MODELS: RecordedAnswer = {
  status: 200,
  statusText: 'OK',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'library' }, { id: 'qwen3:8b', object: 'model', owned_by: 'library' }] }),
};
