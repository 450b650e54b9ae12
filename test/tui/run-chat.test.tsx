import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startingChatMode } from '../../src/agent/chat-mode-info.js';
import { ConversationStore, RunStore } from '../../src/store/index.js';
import { lateDescriber } from '../../src/tui/late-describer.js';
import { PendingSession } from '../../src/tui/pending-session.js';
import { runChat } from '../../src/tui/run-chat.js';
import { MODEL_CONFIG } from '../helpers/tui-app.js';

// runChat owns the terminal's mode: keys typed the moment the first frame shows must reach the app as keys (raw
// mode), and the terminal is cooked again when the chat ends, however it ends.

/** A terminal's input side: records raw mode as the kernel would keep it. */
class TerminalInput extends EventEmitter {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(raw: boolean) {
    this.isRaw = raw;
    return this;
  }
  setEncoding() {}
  read() {
    return null;
  }
  ref() {}
  unref() {}
  pause() {}
  resume() {}
}

/** A terminal's output side: notes whether input was raw when each piece of the frame was written. */
class TerminalOutput extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 100;
  readonly rows = 30;
  readonly writes: { readonly text: string; readonly raw: boolean }[] = [];
  constructor(private readonly input: TerminalInput) {
    super();
  }
  write(text: string, done?: () => void) {
    this.writes.push({ text, raw: this.input.isRaw });
    if (done) setImmediate(done);
    return true;
  }
}

describe('runChat', () => {
  it('puts the terminal in raw mode before the first frame ("ready") is written, and gives it back when the chat ends', async (context) => {
    const home = await mkdtemp(path.join(tmpdir(), 'ksa-run-chat-'));
    context.onTestFinished(() => rm(home, { recursive: true, force: true }));
    // runChat patches the console (stray library output must not tear the frame) with console.Console, which the
    // test runner's console lacks.
    const global = console as { Console?: typeof Console };
    const before = global.Console;
    global.Console = Console;
    context.onTestFinished(() => {
      global.Console = before;
    });
    const stdin = new TerminalInput();
    const stdout = new TerminalOutput(stdin);
    // The engine fails to load right after the first frame: the chat ends with that error.
    const session = new PendingSession(
      { phase: 'idle', history: [], streaming: '', tokens: 0, sessionId: 's-1', chatMode: startingChatMode({}), showThinking: false, approvalMode: 'ask' },
      () => Promise.reject(new Error('the engine did not load')),
    );
    const ended = runChat({
      session,
      openSession: () => Promise.reject(new Error('not in this test')),
      runs: new RunStore(home),
      conversations: new ConversationStore(home),
      model: MODEL_CONFIG,
      header: { model: MODEL_CONFIG.model, endpoint: MODEL_CONFIG.baseURL, workspace: home, sessionId: 's-1', resumed: false },
      tools: lateDescriber().describer,
      color: false,
      env: {},
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TerminalOutput(stdin) as unknown as NodeJS.WriteStream,
    });
    await expect(ended).rejects.toThrow('the engine did not load');
    const firstFrame = stdout.writes.find((write) => write.text.includes(' · ready · '));
    expect(firstFrame).toMatchObject({ raw: true });
    expect(stdout.writes.every((write) => write.raw || !write.text.includes('session s-1'))).toBe(true);
    expect(stdin.isRaw).toBe(false);
  });
});
