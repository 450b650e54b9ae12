import { render } from 'ink';
import type { Writable } from 'node:stream';
import { RunProgress } from '../tui/RunProgress.js';
import type { RunView } from '../tui/run-view-model.js';

export type LiveProgress = {
  /** The view changed: draw it again soon. */
  redraw(): void;
  /** Draws the final frame and releases the terminal. */
  stop(): Promise<void>;
};

/** The in-place progress view for a terminal; re-renders at most every 50 ms however many events arrive. */
export function createLiveProgress(view: RunView, stream: Writable, color: boolean): LiveProgress {
  const element = () => <RunProgress view={view} color={color} />;
  const instance = render(element(), {
    stdout: stream as NodeJS.WriteStream,
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
    async stop() {
      if (timer) clearTimeout(timer);
      flush();
      await instance.waitUntilRenderFlush();
      instance.unmount();
      await instance.waitUntilExit().catch(() => {});
    },
  };
}
