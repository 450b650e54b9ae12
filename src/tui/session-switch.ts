import type { ChatSession } from '../agent/index.js';

/** A switch underway (/new, /sessions <id>): the session it opens, or undefined if it failed. */
export type SwitchUnderway = { current?: Promise<ChatSession | undefined> };

/** How the view sends text to its own session; `switchedTo` is told the session a command switched to. */
export type SubmitHere = (text: string, switchedTo: (next: ChatSession) => void) => Promise<void>;

/**
 * Sends what was typed. Typed while a command runs that may switch sessions (/sessions <id> starts that folder's
 * MCP servers, which may take seconds), a message waits for it and goes to the session switched to, planned with
 * its tools; a command typed meanwhile is not run there, and the chat says so.
 */
export async function submitThroughSwitch(switching: SwitchUnderway, current: object, text: string, submitHere: SubmitHere): Promise<void> {
  const underway = switching.current;
  const switched = underway && (await underway);
  if (switched && switched !== current) {
    if (text.startsWith('/')) switched.notice(`${text.trim().split(/\s/)[0]} was not run: the chat was switching sessions. Send it again.`, 'warning');
    else await switched.submit(text);
    return;
  }
  let settle: (next: ChatSession | undefined) => void = () => {};
  const command = text.startsWith('/') ? (switching.current = new Promise((resolve) => (settle = resolve))) : undefined;
  try {
    await submitHere(text, (next) => settle(next));
  } finally {
    settle(undefined);
    if (command && switching.current === command) switching.current = undefined;
  }
}
