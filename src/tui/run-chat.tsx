import { render } from 'ink';
import * as nodeModule from 'node:module';
import { App, QUIT_CANCELLED_RUN, type Props as AppProps, type QuitLeftPaused } from './App.js';
import { PendingSession } from './pending-session.js';

export type RunChatOptions = AppProps & {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
};

/**
 * Draws the chat until the user quits; resolves once the session is saved, with the signal that ended it,
 * 'cancelled-run' when Ctrl-C twice quit with a run going (cancelled on the way out), or the paused run /quit left.
 */
export async function runChat(options: RunChatOptions): Promise<ChatEnding | undefined> {
  // Ink turns raw mode on in an effect, just after the first frame is written. Keys typed in between (a script
  // that types as soon as "ready" shows) would meet a cooked terminal: Ctrl-C a plain SIGINT, text echoed over
  // the frame. Raw from before the frame, they wait in the terminal until Ink reads them.
  const { stdin } = options;
  if (stdin.isTTY) stdin.setRawMode(true);
  try {
    return await drawUntilQuit(options);
  } finally {
    // Ink gives the terminal back when it owned the keys; not when it ended before it read any.
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
  }
}

export type EndingSignal = 'SIGTERM' | 'SIGHUP' | 'SIGINT';
/** `signal`: a signal ended the chat while /quit left the run paused. */
export type ChatEnding = EndingSignal | typeof QUIT_CANCELLED_RUN | (QuitLeftPaused & { readonly signal?: EndingSignal });

async function drawUntilQuit(options: RunChatOptions): Promise<ChatEnding | undefined> {
  // A signal closes the session the chat is in now (/new and /sessions switch it): its run is the one to cancel.
  let current: { close(): Promise<string | undefined> } = options.session;
  const openSession: typeof options.openSession = async (target) => (current = await options.openSession(target));
  const instance = render(<App {...options} openSession={openSession} />, {
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    exitOnCtrlC: false,
    // Stray console output from libraries must not tear the frame.
    patchConsole: true,
    interactive: true,
  });
  // The code compiled so far goes to Node's compile cache now, not only at a clean exit: the next start is faster
  // even when this one ends with the terminal closed.
  const flushCompileCache = () => setTimeout(() => (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.(), 0);
  flushCompileCache();
  // A pending session loads the chat's engine after the first frame: its code is cached once loaded; a failed
  // start ends the app and is the command's error.
  let failed: { readonly error: unknown } | undefined;
  if (options.session instanceof PendingSession) {
    options.session.ready.then(flushCompileCache, (error: unknown) => {
      failed = { error };
      instance.unmount();
    });
  }
  let ending: EndingSignal | undefined;
  let leftPaused: string | undefined;
  // Kept until the chat has closed: a closing terminal sends SIGHUP twice (the shell, then the kernel), and a
  // signal no one listens to any more ends the process at once, before the run is cancelled and rolled back.
  // SIGINT comes from outside (`kill -INT`): in the chat Ctrl-C is a key.
  const onSignal = (signal: EndingSignal) => {
    if (ending !== undefined) return;
    ending = signal;
    // During /quit's wait the session keeps the run paused (its close is the quit's): it is said as after /quit.
    void current
      .close()
      .then((runId) => void (leftPaused = runId), () => undefined)
      .finally(() => instance.unmount());
  };
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  let quitWith: unknown;
  try {
    quitWith = await instance.waitUntilExit();
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  if (failed) throw failed.error;
  if (ending) return leftPaused ? { pausedRunId: leftPaused, signal: ending } : ending;
  if (quitWith === QUIT_CANCELLED_RUN) return QUIT_CANCELLED_RUN;
  return typeof quitWith === 'object' && quitWith !== null && 'pausedRunId' in quitWith ? (quitWith as QuitLeftPaused) : undefined;
}
