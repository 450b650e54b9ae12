import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';
import { eventually } from '../helpers/cli.js';
import { unfinishedRunNotices } from '../../src/agent/unfinished-runs.js';

// Pausing the chat's run: /pause and /resume, and p in Esc's menu.

/** `wait` runs until the file `go` appears; `after` follows it. */
const GATED_PLAN = {
  goal: 'Deploy behind a gate',
  steps: [
    { id: 'wait', tool: 'shell', args: { command: 'echo waiting-for-go; while [ ! -f go ]; do sleep 0.05; done' } },
    { id: 'after', tool: 'shell', args: { command: 'touch marker-after' }, dependsOn: ['wait'] },
  ],
};
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };
const has = (app: ChatApp, name: string) => existsSync(path.join(app.workspace, name));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startGatedRun(app: ChatApp): Promise<void> {
  await app.send('deploy behind the gate');
  await app.waitFor('run? [y/n/e]');
  await app.send('y');
  await app.waitFor(/─ wait running .*│ waiting-for-go/, 10_000);
}

describe('pausing a run in the chat', () => {
  it('/pause: the running step finishes, the next does not start, the panel says paused; /resume goes on', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    await startGatedRun(app);
    await app.send('/pause');
    let frame = await app.waitFor('Run paused: no new step starts; still running (they finish): wait. /resume continues it.');
    frame = await app.waitFor(/paused: no new step starts; still running \(they finish\): wait · \/resume goes on/);
    expect(frame).toMatch(/0\/2 done · 1 running · .* · paused/);
    // What the keys do now: resume, not pause.
    expect(frame).toContain('Esc cancels the run (finished steps are rolled back) or resumes it (p)');
    expect(frame).toContain('(or p in its menu to resume)');
    await writeFile(path.join(app.workspace, 'go'), '');
    await app.waitFor(/✓ ─ wait succeeded/, 10_000);
    await sleep(500);
    expect(has(app, 'marker-after')).toBe(false);
    expect((await app.runs.read('run-1')).state.status).toBe('paused');
    await app.send('/resume');
    await app.waitFor('Run resumed.');
    frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(frame).toContain('✓ Run run-1 succeeded');
    expect(has(app, 'marker-after')).toBe(true);
  });

  it('Esc opens the run menu: p pauses, and p again resumes', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    await startGatedRun(app);
    await app.press('esc');
    await app.waitFor('or p to pause it');
    await app.send('p');
    await app.waitFor('Run paused: no new step starts');
    await writeFile(path.join(app.workspace, 'go'), '');
    await app.waitFor(/✓ ─ wait succeeded/, 10_000);
    await sleep(300);
    expect(has(app, 'marker-after')).toBe(false);
    await app.press('esc');
    await app.waitFor('or p to resume it');
    await app.send('p');
    await app.waitFor('Reflection on run run-1', 10_000);
    expect(has(app, 'marker-after')).toBe(true);
  });

  it("keys typed in Esc's menu stay in the menu: Esc closes it with nothing left in the chat's input, and what was typed before comes back", async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    const inputLine = () => app.frame().split('\n').findLast((line) => /^(›|cancel\? \[y\/n\]) /.test(line)) ?? '';
    await startGatedRun(app);
    await app.typeKeys('what is');
    await app.waitFor(() => inputLine() === '› what is');
    await app.press('esc');
    await app.waitFor(() => inputLine().startsWith('cancel? [y/n]'));
    expect(inputLine()).not.toContain('what is');
    await app.typeKeys('hmm');
    await app.waitFor(() => inputLine() === 'cancel? [y/n] hmm');
    await app.press('esc');
    await app.waitFor('The run goes on.');
    await app.waitFor(() => inputLine() === '› what is');
    // A y typed in the menu and abandoned is not sent with the next Enter.
    await app.typeKeys(Array.from({ length: 'what is'.length }, () => '\u007f').join(''));
    await app.press('esc');
    await app.waitFor(() => inputLine().startsWith('cancel? [y/n]'));
    await app.typeKeys('y');
    await app.press('esc');
    await app.waitFor(() => inputLine().startsWith('› ') && !inputLine().includes(' y'));
    await app.send('');
    await sleep(300);
    expect(app.session.snapshot().runId).toBe('run-1');
    expect(app.session.snapshot().history.filter((item) => item.kind === 'user').map((item) => (item as { text: string }).text)).toEqual(['deploy behind the gate']);
    await writeFile(path.join(app.workspace, 'go'), '');
    await app.waitFor('Reflection on run run-1', 10_000);
    expect(app.frame()).toContain('✓ Run run-1 succeeded');
  });

  it('/new and /sessions during a run do not stop it: they say how, and the run goes on', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
    await startGatedRun(app);
    await app.send('/new');
    await app.waitFor('Run run-1 is still going. Let it finish, or cancel it first (Esc, then y); then /new again.');
    await app.send('/sessions 20990101-000000-abcd');
    await app.waitFor(/then \/sessions\s+20990101-000000-abcd\s+again\./);
    expect((await app.runs.read('run-1')).state.status).toBe('running');
    await writeFile(path.join(app.workspace, 'go'), '');
    const frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(frame).toContain('✓ Run run-1 succeeded');
    expect(has(app, 'marker-after')).toBe(true);
  });

  describe('/quit with the run paused while a step still runs', () => {
    /** The chat is closed: the run released by this process, the session saved; what it stored and what a reopening says. */
    async function closed(app: ChatApp) {
      const found = await eventually(async () => {
        const inspected = await app.runs.inspect('run-1');
        return inspected.owner === undefined ? inspected : undefined;
      }, 10_000);
      const conversation = await eventually(() => app.conversations.open(app.session.deps.conversation.id), 5000);
      const messages = await conversation.messages();
      await conversation.close();
      return { found, kinds: messages.map((message) => message.kind), reopened: await unfinishedRunNotices(messages, app.runs) };
    }

    it('waits for the step to finish, then leaves the run paused: no failure, no reflection; reopened, it offers /resume', async (context) => {
      const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
      await startGatedRun(app);
      await app.send('/pause');
      await app.waitFor('Run paused: no new step starts');
      await app.send('/quit');
      await app.waitForText('Waiting for 1 running step to finish before leaving (wait); the run stays paused. Ctrl-C or Esc cuts it short: it runs again when the run is resumed.');
      await sleep(500);
      // Not cut short: still running, and the run still this process's.
      expect((await app.runs.inspect('run-1')).owner).toBeDefined();
      expect((await app.runs.read('run-1')).state.steps.wait!.status).toBe('running');
      await writeFile(path.join(app.workspace, 'go'), '');
      const { found, kinds, reopened } = await closed(app);
      expect(found.status).toBe('paused');
      expect(found.record.state.steps.wait!.status).toBe('succeeded');
      expect(found.record.state.steps.after!.status).toBe('pending');
      expect(has(app, 'marker-after')).toBe(false);
      expect(kinds).not.toContain('run');
      expect(kinds).not.toContain('reflection');
      expect(app.frame()).not.toMatch(/✗ Run|Reflection on run/);
      expect(reopened).toEqual([{ text: 'Run run-1 is paused (1 of 2 steps done). /resume run-1 continues it.', tone: 'info' }]);
    });

    it('Ctrl-C meanwhile cuts the step short: said so, the run stays paused with the step to run again, nothing failed', async (context) => {
      const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
      await startGatedRun(app);
      await app.send('/pause');
      await app.waitFor('Run paused: no new step starts');
      await app.send('/quit');
      await app.waitForText('Waiting for 1 running step to finish before leaving (wait)');
      await app.press('ctrlC');
      await app.waitForText('Cutting wait short: it runs again when the run is resumed (ksa resume run-1).');
      const { found, kinds, reopened } = await closed(app);
      expect(found.status).toBe('paused');
      expect(found.record.state.steps.wait!.status).toBe('running');
      expect(found.record.state.error).toBeUndefined();
      expect(kinds).not.toContain('run');
      expect(kinds).not.toContain('reflection');
      expect(app.frame()).not.toMatch(/✗ Run|Reflection on run|killed by SIGKILL/);
      expect(reopened).toEqual([{ text: 'Run run-1 is paused (0 of 2 steps done). /resume run-1 continues it.', tone: 'info' }]);
    });

    it('the panel says what leaving does; Esc cuts the step short as Ctrl-C does, with no menu whose keys nothing reads', async (context) => {
      const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
      await startGatedRun(app);
      await app.send('/pause');
      await app.waitFor('Run paused: no new step starts');
      await app.send('/quit');
      await app.waitForText('Waiting for 1 running step to finish before leaving (wait)');
      const frame = await app.waitFor('leaving: the run stays paused · Esc or Ctrl-C cuts running steps short');
      const live = frame.slice(frame.lastIndexOf('Run run-1 · '));
      expect(live).not.toContain('you can keep chatting');
      expect(live).not.toContain('/resume goes on');
      await app.press('esc');
      await app.waitForText('Cutting wait short: it runs again when the run is resumed (ksa resume run-1).');
      const { found } = await closed(app);
      expect(found.status).toBe('paused');
      expect(found.record.state.steps.wait!.status).toBe('running');
      expect(app.frame()).not.toContain('Cancel the run?');
    });

    it("/quit typed into Esc's menu closes the menu: its keys would not be read while the quit waits", async (context) => {
      const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
      await startGatedRun(app);
      await app.send('/pause');
      await app.waitFor('Run paused: no new step starts');
      await app.press('esc');
      await app.waitFor('or p to resume it');
      await app.send('/quit');
      await app.waitForText('Waiting for 1 running step to finish before leaving (wait)');
      await app.waitFor((frame) => !frame.slice(frame.lastIndexOf('Run run-1 · ')).includes('Cancel the run?'));
      expect(app.session.snapshot().phase).not.toBe('confirm_cancel');
      await app.press('esc');
      await closed(app);
    });

    it('closed again meanwhile (a signal, the terminal closed): the run stays paused, the step cut short as by Ctrl-C', async (context) => {
      const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(GATED_PLAN), json(REFLECTION)]) });
      await startGatedRun(app);
      await app.send('/pause');
      await app.waitFor('Run paused: no new step starts');
      await app.send('/quit');
      await app.waitForText('Waiting for 1 running step to finish before leaving (wait)');
      expect(await app.session.close()).toBe('run-1');
      const { found, kinds } = await closed(app);
      expect(found.status).toBe('paused');
      expect(found.record.state.steps.wait!.status).toBe('running');
      expect(found.record.state.error).toBeUndefined();
      expect(kinds).not.toContain('run');
    });
  });
});
