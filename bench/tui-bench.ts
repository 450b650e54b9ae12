import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockLanguageModelV4 } from 'ai/test';
import { ChatSession, historyFromMessages, type HistoryItem, type ModelConfig } from '../src/agent/index.js';
import { ConversationStore, RunStore, type Message, type NewMessage } from '../src/store/index.js';
import { createBuiltinRegistry } from '../src/tools/index.js';
import { runChat } from '../src/tui/run-chat.js';
import { describer } from '../src/tui/tool-describer.js';
import { KSA_COMMAND } from './ksa-argv.js';
import { collectGarbage, median, quantile, round } from './stats.js';

/**
 * P7: the chat TUI stays as fast with a long history as with a short one.
 *
 * Keystroke to frame: two chat apps (the real App through runChat, the real
 * ChatSession and stores, Ink in interactive mode on fake TTY streams), one
 * with 10 and one with 1,000 messages in its history, typed into in turns in
 * the same run: the time from a key arriving on stdin to Ink writing the frame
 * that shows it. Finished messages live in <Static>, so the ratio should be ~1.
 *
 * Time to the first frame of the real `ksa chat` is P9 (startup-bench.ts).
 */

export type TuiFigures = {
  /** Median keystroke-to-frame time with 1,000 history items ÷ with 10. */
  readonly ratio1000To10: number;
  readonly keystrokeMs10: number;
  readonly keystrokeMs1000: number;
  readonly p95Ms10: number;
  readonly p95Ms1000: number;
  readonly keystrokes: number;
};

const MODEL_CONFIG: ModelConfig = { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'bench', model: 'bench-model', sources: { baseURL: 'bench', model: 'bench' }, timeoutMs: 60_000, maxRetries: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureTui(): Promise<TuiFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-bench-tui-'));
  try {
    // runChat patches the console while Ink draws (patchConsole); two apps at once would restore each other's patch.
    const consoleMethods = { ...console };
    return await measureKeystrokes(dir, 22).finally(() => Object.assign(console, consoleMethods));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A conversation as users have them: goals, and Markdown answers with lists and commands. */
export function benchMessages(count: number): NewMessage[] {
  return Array.from({ length: count }, (_, i): NewMessage =>
    i % 2 === 0
      ? { kind: 'user', text: `deploy ./shop-${i} to my kind cluster on port ${8000 + (i % 1000)}` }
      : { kind: 'assistant', text: `Done with **shop-${i}**:\n\n1. built the image \`shop:${i}\`\n2. applied \`k8s/\`\n\n\`\`\`sh\nkubectl get pods -l app=shop-${i}\n\`\`\`` },
  );
}

// ---- keystroke to frame ---------------------------------------------------

class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private readonly queue: string[] = [];
  push(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  onWrite: ((chunk: string) => void) | undefined;
  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
    this.onWrite?.(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    // Ink waits for its last writes to be flushed before it resolves waitUntilExit.
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) queueMicrotask(() => done());
    return true;
  }
}

type BenchApp = { readonly stdin: FakeStdin; readonly stdout: FakeStdout; readonly done: Promise<unknown>; readonly session: ChatSession };

async function openApp(home: string, items: readonly HistoryItem[]): Promise<BenchApp> {
  await mkdir(home, { recursive: true });
  const conversations = new ConversationStore(home);
  const runs = new RunStore(home);
  const registry = createBuiltinRegistry();
  const session = await ChatSession.open({
    model: new MockLanguageModelV4(),
    modelConfig: MODEL_CONFIG,
    tools: registry,
    runs,
    conversation: await conversations.create({ workspace: home }),
    workspace: home,
    context: '',
    newRunId: () => 'bench-run',
  });
  // A session reopened from the store holds its last 500 messages (ChatSession.open); a long live session holds all it
  // showed. The history is injected so both apps hold exactly the items measured.
  (session as unknown as { history: readonly HistoryItem[] }).history = items;
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const done = runChat({
    session,
    openSession: () => Promise.reject(new Error('not in the bench')),
    runs,
    conversations,
    model: MODEL_CONFIG,
    header: { model: MODEL_CONFIG.model, endpoint: MODEL_CONFIG.baseURL, workspace: home, sessionId: session.deps.conversation.id, resumed: items.length > 0 },
    tools: describer(registry),
    color: false,
    env: {},
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
  });
  await sleep(100);
  return { stdin, stdout, done, session };
}

/** Sends one key and resolves with the time until a frame containing `expect` is written. */
function keystroke(app: BenchApp, key: string, expect: (chunk: string) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame for key ${JSON.stringify(key)} within 2 s`)), 2000);
    let started = 0;
    app.stdout.onWrite = (chunk) => {
      if (!expect(chunk)) return;
      const ms = performance.now() - started;
      app.stdout.onWrite = undefined;
      clearTimeout(timer);
      resolve(ms);
    };
    started = performance.now();
    app.stdin.push(key);
  });
}

async function measureKeystrokes(dir: string, count: number): Promise<Pick<TuiFigures, 'ratio1000To10' | 'keystrokeMs10' | 'keystrokeMs1000' | 'p95Ms10' | 'p95Ms1000' | 'keystrokes'>> {
  const toItems = (n: number) => historyFromMessages(benchMessages(n).map((message, i) => ({ ...message, id: `m${i + 1}`, ts: new Date(0).toISOString() }) as Message));
  const small = await openApp(path.join(dir, 'keys-10'), toItems(10));
  const large = await openApp(path.join(dir, 'keys-1000'), toItems(1000));
  const times = new Map<BenchApp, number[]>([
    [small, []],
    [large, []],
  ]);
  const placeholder = 'ay what to deploy';
  const warmup = 3;
  collectGarbage();
  try {
    for (let i = 0; i < warmup + count; i++) {
      // Type "x", then erase it: each key re-renders the input line. Each app gets one key per round, and rounds are
      // further apart than Ink's render throttle (30 fps), so every key draws at once, as a lone key does.
      for (const [key, drawn] of [['x', (chunk: string) => chunk.includes('x') && !chunk.includes(placeholder)], ['\u007f', (chunk: string) => chunk.includes(placeholder)]] as const) {
        // Alternate which app goes first, so neither always pays for the other's garbage.
        for (const app of i % 2 === 0 ? [small, large] : [large, small]) {
          const ms = await keystroke(app, key, drawn);
          if (i >= warmup) times.get(app)!.push(ms);
        }
        await sleep(36);
      }
    }
  } finally {
    for (const app of [small, large]) {
      app.stdin.push('\u0003');
      await sleep(10);
      app.stdin.push('\u0003');
      await app.done;
    }
  }
  const ms10 = median(times.get(small)!);
  const ms1000 = median(times.get(large)!);
  return {
    ratio1000To10: round(ms1000 / ms10, 3),
    keystrokeMs10: round(ms10, 3),
    keystrokeMs1000: round(ms1000, 3),
    p95Ms10: round(quantile(times.get(small)!, 0.95), 3),
    p95Ms1000: round(quantile(times.get(large)!, 0.95), 3),
    keystrokes: times.get(small)!.length,
  };
}

// ---- time to the first frame ---------------------------------------------

/** Spawn → the status line of the first frame ("· ready ·"), in a pseudo-terminal as a user runs it (`file` and its `program` arguments before `args`: the ksa command by default). */
export function timeFirstFrame(args: readonly string[], home: string, cwd: string, program: readonly string[] = [], file = KSA_COMMAND): Promise<number> {
  const require = createRequire(import.meta.url);
  const pty = require('node-pty') as typeof import('node-pty');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'CI' && key !== 'NODE_ENV') env[key] = value;
  Object.assign(env, { TERM: 'xterm-256color', NO_COLOR: '1', KSA_HOME: home, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'bench', KSA_MODEL: 'bench-model' });
  const started = performance.now();
  const child = pty.spawn(file, [...program, ...args], { name: 'xterm-256color', cols: 120, rows: 40, cwd, env });
  return new Promise((resolve, reject) => {
    let output = '';
    let ms: number | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ksa ${args.join(' ')} drew no frame within 20 s:\n${output}`));
    }, 20_000);
    child.onData((data) => {
      output += data;
      if (ms === undefined && output.includes('· ready ·')) {
        ms = performance.now() - started;
        child.kill('SIGKILL');
      }
    });
    child.onExit(() => {
      clearTimeout(timer);
      if (ms === undefined) reject(new Error(`ksa ${args.join(' ')} exited before its first frame:\n${output}`));
      else resolve(ms);
    });
  });
}
