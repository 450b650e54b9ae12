import type { RunView } from '../planning/index.js';
import type { RunHandle } from './run-controller.js';
import { pausedDetail, viewPausedDetail } from '../planning/paused-text.js';

type Notice = (text: string, tone: 'info' | 'warning') => void;

/** /pause in the chat: running steps finish, no new step starts. False (with a notice saying why) when there is nothing to pause. */
export function pauseChatRun(run: RunHandle | undefined, view: RunView | undefined, notice: Notice): boolean {
  if (!run) {
    notice('No run is in progress in this chat (pause one run elsewhere with: ksa pause <run>).', 'warning');
    return false;
  }
  if (run.execution.status === 'paused') {
    notice('The run is paused already; /resume continues it.', 'info');
    return false;
  }
  run.execution.pause();
  notice(`Run paused: no new step starts; ${view ? viewPausedDetail(view) : pausedDetail([], [])}. /resume continues it.`, 'info');
  return true;
}

/** /resume of the chat's paused run: new steps start again. False when it is not paused. */
export function resumeChatRun(run: RunHandle | undefined, notice: Notice): boolean {
  if (run?.execution.status !== 'paused') return false;
  run.execution.resume();
  notice('Run resumed.', 'info');
  return true;
}
