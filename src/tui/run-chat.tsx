import { render } from 'ink';
import { App, type Props as AppProps } from './App.js';

export type RunChatOptions = AppProps & {
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
