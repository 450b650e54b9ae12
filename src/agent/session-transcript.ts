import type { HistoryItem } from './session-history.js';

/**
 * What a chat session shows: the finished entries, the answer streaming right
 * now, and the model's reasoning — collected while it streams ("thinking…"),
 * its text visible only behind /think, never stored.
 */
export class Transcript {
  items: HistoryItem[] = [];
  /** The answer being streamed right now. */
  streaming = '';
  /** /think is on. */
  showThinking = false;
  /** This answer's reasoning not in the transcript yet. */
  private reasoning = '';
  /** Text or a tool call came since the last reasoning: the next reasoning is another model call's. */
  private reasoningBreak = false;
  private seq = 0;

  nextId(): string {
    return `h${++this.seq}`;
  }

  push(item: HistoryItem): void {
    this.items = [...this.items, item];
  }

  notice(text: string, tone: 'info' | 'warning' | 'error'): void {
    this.push({ kind: 'notice', id: this.nextId(), text, tone });
  }

  /** A new answer begins. */
  startAnswer(): void {
    this.reasoning = '';
    this.reasoningBreak = false;
  }

  think(text: string): void {
    // One turn may call the model several times (a tool, then an answer): their reasoning stays apart.
    if (this.reasoning && this.reasoningBreak) this.reasoning += '\n\n';
    this.reasoningBreak = false;
    this.reasoning += text;
  }

  say(text: string): void {
    this.showReasoning();
    this.reasoningBreak = true;
    this.streaming += text;
  }

  /** Text said as the answer that was reasoning after all (see TurnEvent "unsaid"). */
  unsay(text: string): void {
    const at = this.streaming.lastIndexOf(text);
    if (at >= 0) this.streaming = (this.streaming.slice(0, at) + this.streaming.slice(at + text.length)).replace(/^\s+/, '');
  }

  /** /think: on shows the reasoning from now on (and the last answer's, when `idle`); off hides it. */
  toggleThinking(idle: boolean): void {
    this.showThinking = !this.showThinking;
    if (!this.showThinking) return this.notice('Reasoning hidden; the chat shows "thinking…" while the model reasons. /think shows it again.', 'info');
    this.notice('Reasoning shown (dimmed) as the model thinks. /think hides it.', 'info');
    if (idle) this.showReasoning(true);
  }

  /** The reasoning not in the transcript yet (for the live area). */
  get liveReasoning(): string | undefined {
    return this.reasoning || undefined;
  }

  /** Puts the reasoning not shown yet into the transcript: when /think is on, or `force` (it was just turned on). */
  showReasoning(force = false): void {
    if (!this.reasoning.trim() || !(this.showThinking || force)) return;
    this.push({ kind: 'thinking', id: this.nextId(), text: this.reasoning.trim() });
    this.reasoning = '';
  }

  /** The streamed answer becomes a finished entry. */
  flush(): void {
    this.showReasoning();
    this.reasoningBreak = true;
    if (this.streaming.trim()) this.push({ kind: 'assistant', id: this.nextId(), text: this.streaming });
    this.streaming = '';
  }
}
