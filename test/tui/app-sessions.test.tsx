import { describe, expect, it } from 'vitest';
import { historyFromMessages } from '../../src/agent/index.js';
import type { NewMessage } from '../../src/store/index.js';
import { json, parsed } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// A reopened session (ksa chat --continue / --session) shows its history as
// it was: messages, plan cards with their decisions, runs, reflections; a
// plan still waiting for a decision waits again.

const plan = parsed(markerPlan());
const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');
const count = (text: string, needle: string) => text.split(needle).length - 1;

const PROPOSED: NewMessage[] = [
  { kind: 'user', text: 'deploy the marker app' },
  { kind: 'tool_call', toolCallId: 'c1', tool: 'propose_plan', input: { goal: 'deploy the marker app' } },
  { kind: 'plan', planId: 'p1', plan },
  { kind: 'tool_result', toolCallId: 'c1', tool: 'propose_plan', output: { planId: 'p1' } },
  { kind: 'assistant', text: 'Here is the plan.' },
];
const FINISHED: NewMessage[] = [
  ...PROPOSED,
  { kind: 'approval', planId: 'p1', decision: 'approved', runId: 'r1' },
  { kind: 'run', runId: 'r1', status: 'succeeded' },
  { kind: 'reflection', runId: 'r1', reflection: REFLECTION },
  { kind: 'user', text: "what's the status?" },
  { kind: 'tool_call', toolCallId: 'c2', tool: 'get_run_status', input: {} },
  { kind: 'tool_result', toolCallId: 'c2', tool: 'get_run_status', output: { runId: 'r1', status: 'succeeded' } },
  { kind: 'assistant', text: 'Run r1 **succeeded**.' },
];

describe('a reopened session', () => {
  it('shows its history: messages, the decided plan card, the run, the reflection, tool results; then goes on', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'Still here.' }]), history: FINISHED });
    // The history is drawn right after the first frame (header and input).
    const frame = await app.waitFor((f) => f.includes('· ready ·') && f.includes('Run r1 succeeded.'));
    expect(frame).toContain('(continued)');
    // The answer that came with the plan above its card, as it was shown live.
    const order = ['› deploy the marker app', 'Here is the plan.', 'Plan: Deploy the marker app', '✓ approved', '✓ Run r1 succeeded', '✓ Reflection on run r1', "› what's the status?", '· get_run_status: run r1: succeeded', 'Run r1 succeeded.'];
    const at = order.map((text) => frame.indexOf(text));
    expect(at.every((index) => index >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    await app.send('are you there?');
    await app.waitFor('Still here.');
  });

  it('a decided plan card shows each step\'s risk level, as ksa run does, not the marks a card has until the risk is known', async (context) => {
    // A plan object of its own: the risk of one seen by an earlier test is known at once.
    const history = FINISHED.map((message) => (message.kind === 'plan' ? { ...message, plan: parsed(markerPlan()) } : message));
    const app = await renderChatApp(context, { model: chatModel(), history });
    const frame = await app.waitFor('✓ approved');
    expect(frame).toContain('4 steps, up to 5 at once, risk: destroy');
    expect(frame.split('\n').filter((line) => /^│ !\d\. /.test(line)).map((line) => line.split(' ')[2])).toEqual(['serve']);
    expect(frame).toContain('! destroy: deletes or overwrites what cannot be restored');
    expect(frame).not.toContain('runs commands on this machine');
  });

  it('the model gets the earlier conversation with the next message', async (context) => {
    const model = chatModel([{ text: 'Yes.' }]);
    const app = await renderChatApp(context, { model, history: FINISHED });
    await app.send('did it work?');
    await app.waitFor('Yes.');
    const prompt = JSON.stringify(model.doStreamCalls[0]!.prompt);
    expect(prompt).toContain('deploy the marker app');
    expect(prompt).toContain('Run r1 **succeeded**.');
  });

  it('a plan that was waiting for a decision waits again: y runs it', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]), history: PROPOSED });
    const frame = await app.waitFor('run? [y/n/e]');
    expect(tail(frame, 1)).toContain('plan waiting for approval');
    await app.send('y');
    await app.waitFor('Reflection on run run-1', 10_000);
  });

  it('a plan still waiting is shown once, as the live card, not as "replaced by a revision"', async (context) => {
    const app = await renderChatApp(context, { model: chatModel(), history: PROPOSED });
    const frame = await app.waitFor('run? [y/n/e]');
    expect(frame).not.toContain('↻ replaced by a revision');
    expect(count(frame, 'Plan: Deploy the marker app')).toBe(1);
  });

  it('a plan replaced by an edit still says so after reopening', () => {
    const items = historyFromMessages([
      { id: 'm1', ts: '2026-11-25T00:00:00.000Z', kind: 'plan', planId: 'p1', plan },
      // What ChatSession.applyEdit stores: the decision on the old plan, then the edited one.
      { id: 'm1b', ts: '2026-11-25T00:00:00.500Z', kind: 'approval', planId: 'p1', decision: 'edited' },
      { id: 'm2', ts: '2026-11-25T00:00:01.000Z', kind: 'plan', planId: 'p1e2', plan, revises: 'p1', changes: '~ unit: args.command' },
      { id: 'm3', ts: '2026-11-25T00:00:02.000Z', kind: 'approval', planId: 'p1e2', decision: 'approved', runId: 'r1' },
    ]);
    expect(items[0]).toMatchObject({ kind: 'plan', decision: 'edited' });
  });

  it('reopened, the answer that came with a plan is above its card, as it was shown live, though it is stored after it', () => {
    const items = historyFromMessages([
      { id: 'm0', ts: '2026-11-25T00:00:00.000Z', kind: 'user', text: 'deploy my app' },
      { id: 'm1', ts: '2026-11-25T00:00:00.100Z', kind: 'tool_call', toolCallId: 'c1', tool: 'propose_plan', input: { goal: 'deploy' } },
      { id: 'm2', ts: '2026-11-25T00:00:01.000Z', kind: 'plan', planId: 'p1', plan },
      { id: 'm3', ts: '2026-11-25T00:00:01.100Z', kind: 'tool_result', toolCallId: 'c1', tool: 'propose_plan', output: { planId: 'p1' } },
      { id: 'm4', ts: '2026-11-25T00:00:01.200Z', kind: 'assistant', text: 'Here is the plan.' },
      { id: 'm5', ts: '2026-11-25T00:00:02.000Z', kind: 'approval', planId: 'p1', decision: 'rejected' },
      { id: 'm6', ts: '2026-11-25T00:00:03.000Z', kind: 'user', text: 'thanks' },
      { id: 'm7', ts: '2026-11-25T00:00:03.500Z', kind: 'assistant', text: 'You are welcome.' },
    ]);
    expect(items.map((item) => item.kind)).toEqual(['user', 'assistant', 'plan', 'user', 'assistant']);
    expect(items[1]).toMatchObject({ text: 'Here is the plan.' });
    expect(items[2]).toMatchObject({ kind: 'plan', decision: 'rejected' });
  });
});

describe('what a turn stores', () => {
  it('text before and after a tool call stays two paragraphs when the session is reopened', async (context) => {
    const model = chatModel([{ text: 'Let me plan that.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] }, { text: 'The plan is ready.' }], [json(markerPlan())]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    const stored = await app.session.deps.conversation.messages();
    const texts = stored.filter((message) => message.kind === 'assistant').map((message) => (message.kind === 'assistant' ? message.text : ''));
    expect(texts.join('|')).not.toContain('that.The');
  });
});
