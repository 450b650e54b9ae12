import { render } from 'ink';
import type { ChatSession, ModelConfig } from '../agent/index.js';
import type { ConversationStore, RunStore } from '../store/index.js';
import { App } from './App.js';
import type { HeaderInfo } from './Header.js';
import type { ToolDescriber } from './plan-lines.js';

export type RunChatOptions = {
  readonly session: ChatSession;
  readonly openSession: (target: { readonly id?: string }) => Promise<ChatSession>;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  readonly model: ModelConfig;
  readonly header: HeaderInfo;
  readonly tools: ToolDescriber;
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly workspace: string;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
};

/** Draws the chat until the user quits; resolves once the session is saved. */
export async function runChat(options: RunChatOptions): Promise<void> {
  const instance = render(<App {...options} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    exitOnCtrlC: false,
    // Stray console output from libraries must not tear the frame.
    patchConsole: true,
    interactive: true,
  });
  const onTerm = () => {
    void options.session.close().finally(() => instance.unmount());
  };
  process.once('SIGTERM', onTerm);
  process.once('SIGHUP', onTerm);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onTerm);
  }
}
