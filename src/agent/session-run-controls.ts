import { ChatSessionView } from './chat-session-view.js';
import { leaveRun } from './run-leaving.js';
import { pauseChatRun, resumeChatRun } from './session-pause.js';

/**
 * What the user does to the chat's run from the session (Esc, its menu, /pause, /resume) and how the session
 * ends with it: cancelled, or left paused by /quit.
 */
export abstract class ChatSessionRunControls extends ChatSessionView {
  /** Set once the session closes (close()): what it resolves with. */
  private closing: Promise<string | undefined> | undefined;

  /**
   * Esc: stops the answer being streamed, or asks whether to cancel the run; Esc again closes that question. While
   * the chat closes nothing is asked (no key would answer): Esc stops /quit's wait, as Ctrl-C does.
   */
  interrupt(): void {
    if (this.closing) return void this.cutShortQuit();
    if (this.turn) return this.turn.abort();
    if (this.secretAsk) return this.secretAsk.drop();
    if (this.confirmCancel) {
      this.confirmCancel = false;
      this.notice('The run goes on.', 'info');
      return this.changed();
    }
    if (this.run) {
      this.confirmCancel = true;
      this.changed();
    }
  }

  /** The model asks to cancel this chat's run: the user confirms, as after Esc (a cancel undoes what the run did). */
  protected askToCancel(runId: string): 'asked' | false {
    if (this.run?.runId !== runId) return false;
    this.confirmCancel = true;
    this.notice(`The agent asks to cancel run ${runId}.`, 'warning');
    return 'asked';
  }

  cancelRun(reason = 'cancelled by the user'): boolean {
    if (!this.run) return false;
    this.run.execution.cancel(reason);
    this.notice('Cancelling: running steps are aborted and finished ones rolled back\u2026', 'warning');
    return true;
  }

  /** /pause: running steps finish, no new step starts. */
  pauseRun = (): boolean => pauseChatRun(this.run, this.runView, (text, tone) => this.notice(text, tone));

  /** /resume of this chat's paused run: new steps start again. */
  resumeRun = (): boolean => resumeChatRun(this.run, (text, tone) => this.notice(text, tone));

  /**
   * Saves and closes the session; a run still going is cancelled (and rolled back). With `leavePaused` (/quit), a
   * paused run is left paused instead, once its running steps have finished (cutShortQuit stops waiting for them): the
   * id of that run is returned.
   */
  close(options: { readonly leavePaused?: boolean } = {}): Promise<string | undefined> {
    // Closed once: a second close (a signal, the terminal closed, while /quit waits for the paused run's steps)
    // keeps what the first decided, a paused run stays paused, and ends its wait as Ctrl-C does.
    if (this.closing) {
      this.cutShortQuit();
      return this.closing;
    }
    return (this.closing = this.closeOnce(options));
  }

  private async closeOnce(options: { readonly leavePaused?: boolean }): Promise<string | undefined> {
    this.turn?.abort();
    // Asked before /quit: no key answers it any more.
    if (this.confirmCancel) {
      this.confirmCancel = false;
      this.changed();
    }
    const leaving = { leavePaused: options.leavePaused === true, view: () => this.runView, subscribe: (listener: () => void) => this.subscribe(listener), notice: (text: string, tone: 'info' | 'warning') => this.notice(text, tone), waiting: (cut: (() => void) | undefined) => (this.cutShortSteps = cut), configuredRedis: this.deps.configuredRedis };
    const leftPaused = this.run ? await leaveRun(this.run, leaving) : undefined;
    await this.deps.conversation.close();
    this.deps.onClosed?.();
    return leftPaused;
  }
}
