import { render, useInput, useStdout } from 'ink';
import { useState } from 'react';
import type { Writable } from 'node:stream';
import { RunProgress } from '../tui/RunProgress.js';
import type { RunView } from '../tui/run-view-model.js';

export type LiveProgress = {
  /** The view changed: draw it again soon. */
  redraw(): void;
  /** Writes a line above the view, which is drawn again below it (a line written past Ink would be erased with the frame). */
  say(line: string): void;
  /** Draws the final frame and releases the terminal. */
  stop(): Promise<void>;
};

/** Keys of the live view; without them (no keyboard) it only draws. */
export type LiveKeys = {
  /** `p`: pause the run, or resume it when paused. */
  readonly togglePause: () => void;
  /** Ctrl-C: the terminal is in raw mode while keys are read, so it arrives as a key, not as SIGINT. */
  readonly interrupt: () => void;
};

/** The in-place progress view for a terminal; re-renders at most every 50 ms however many events arrive. */
export function createLiveProgress(view: RunView, stream: Writable, color: boolean, keys?: LiveKeys, stdin?: NodeJS.ReadStream): LiveProgress {
  const writer: { write?: (data: string) => void } = {};
  const element = () => (
    <>
      <Writer into={writer} />
      {keys ? <KeyedProgress view={view} color={color} keys={keys} /> : <RunProgress view={view} color={color} />}
    </>
  );
  const instance = render(element(), {
    stdout: stream as NodeJS.WriteStream,
    ...(stdin ? { stdin } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
    interactive: true,
  });
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    instance.rerender(element());
  };
  return {
    redraw() {
      timer ??= setTimeout(flush, 50);
    },
    say(line) {
      if (writer.write) writer.write(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      flush();
      await instance.waitUntilRenderFlush();
      instance.unmount();
      await instance.waitUntilExit().catch(() => {});
    },
  };
}

/** Hands out Ink's write, which puts text above the live frame and draws the frame again. */
function Writer({ into }: { readonly into: { write?: (data: string) => void } }) {
  into.write = useStdout().write;
  return null;
}

function KeyedProgress({ view, color, keys }: { readonly view: RunView; readonly color: boolean; readonly keys: LiveKeys }) {
  const active = view.status === 'running' || view.status === 'paused';
  // After a Ctrl-C the run is being cancelled: the keys hint says what a second one does.
  const [cancelling, setCancelling] = useState(false);
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        setCancelling(true);
        keys.interrupt();
      } else if (input === 'p' || input === 'P') keys.togglePause();
    },
    { isActive: active },
  );
  return <RunProgress view={view} color={color} keysHint={active} cancelling={cancelling} />;
}
