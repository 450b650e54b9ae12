import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/rules/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { lastUserPrompt } from '../helpers/mock-model.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat's approval modes (/approve) and the permission policy: plans the mode lets
// through run without a question, the others wait for y; a denied plan never reaches the user.

const READ_PLAN = { goal: 'Look around', steps: [{ id: 'look', tool: 'shell', args: { command: 'ls -la' } }] };
const WRITE_PLAN = { goal: 'Leave a marker', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marker-chat' } }] };
const DENIED_PLAN = { goal: 'Clean up', steps: [{ id: 'clean', tool: 'shell', args: { command: 'rm -rf build' } }] };
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'do it' } }] };
const POLICY = parsePolicy('deny:\n  - shell: "rm -rf *"\n', '/policies/team.yaml');

async function approvals(app: ChatApp, runId: string) {
  for (let i = 0; i < 100; i++) {
    const record = await app.runs.read(runId).catch(() => undefined);
    if (record?.approvals.length) return record.approvals;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${runId} has no approval`);
}

describe('approval modes in the chat', () => {
  it('/approve read: a read-only plan runs without asking, approved by the policy; the status line shows the mode', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Done.' }], [json(READ_PLAN), json(REFLECTION)]) });
    expect(app.frame()).toContain('approval mode ask unless the status line says otherwise');
    expect(app.frame()).not.toContain('· approve');
    await app.send('/approve read');
    await app.waitForText('Approval mode read: plans whose steps only read');
    await app.waitFor(/ready · approve read · \d+ tokens/);
    await app.send('what is here?');
    await app.waitForText('Runs without asking: every step is read-only or allowed by a rule (--approve read).', 10_000);
    await app.waitFor('Reflection on run run-1', 10_000);
    expect(await approvals(app, 'run-1')).toEqual([expect.objectContaining({ approvedBy: 'policy', mode: 'read', command: expect.stringContaining('ksa chat') })]);
  });

  it('/approve read: a plan that writes still waits for y, and the run records who said yes', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(WRITE_PLAN), json(REFLECTION)]) });
    await app.send('/approve read');
    await app.send('leave a marker');
    await app.waitFor('run? [y/n/e]', 10_000);
    expect(existsSync(path.join(app.workspace, 'marker-chat'))).toBe(false);
    await app.send('y');
    await app.waitFor('Reflection on run run-1', 10_000);
    expect(existsSync(path.join(app.workspace, 'marker-chat'))).toBe(true);
    expect(await approvals(app, 'run-1')).toEqual([expect.objectContaining({ approvedBy: expect.stringMatching(/.@./), mode: 'read' })]);
  });

  it('/approve with an unknown mode is refused and the mode stays', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await app.send('/approve always');
    await app.waitForText('Unknown approval mode "always": use /approve ask|read|write.');
    await app.send('/approve');
    await app.waitForText('Approval mode: ask.');
  });

  it("the model's first plan breaks the policy: it goes back with the rule, and only the repaired plan is shown", async (context) => {
    const model = chatModel([propose, { text: 'Here it is.' }], [json(DENIED_PLAN), json(WRITE_PLAN)]);
    const app = await renderChatApp(context, { model, policy: POLICY });
    await app.send('clean up and mark');
    const frame = await app.waitFor('run? [y/n/e]', 10_000);
    expect(frame).toContain('touch marker-chat');
    expect(frame).not.toContain('rm -rf build');
    const [first, repair] = model.doGenerateCalls;
    expect(JSON.stringify(first!.prompt)).toContain('Never plan these');
    expect(lastUserPrompt(repair!)).toContain('steps[0]: shell rm -rf build: denied by deny shell: "rm -rf *" (/policies/team.yaml:2)');
  });

  it('an edit that brings in a denied step is shown as denied at once, never offered for approval; the proposed plan still waits', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(WRITE_PLAN)]), policy: POLICY });
    await app.send('leave a marker');
    await app.waitFor('run? [y/n/e]', 10_000);
    const denial = 'steps[1]: shell rm -rf build: denied by deny shell: "rm -rf *" (/policies/team.yaml:2); the permission policy forbids it: leave it out or do it another way';
    const edited = { ...WRITE_PLAN, steps: [...WRITE_PLAN.steps, { id: 'wipe', tool: 'shell', args: { command: 'rm -rf build' }, dependsOn: ['mark'] }] };
    app.session.beginEdit();
    expect(await app.session.applyEdit(edited)).toEqual({ ok: false, problems: [denial] });
    let frame = await app.waitFor('Your edited plan has 1 problem:');
    expect(frame).toContain('steps[1]: shell rm -rf build: denied by deny shell: "rm -rf *" (/policies/team.yaml:2)');
    expect(frame).not.toContain('✎ replaced by your edit');
    expect(frame.split('\n').slice(-2).join('\n')).toContain('edit? [e/n]');
    expect(app.session.snapshot()).toMatchObject({ phase: 'editing', pending: { plan: { steps: [{ id: 'mark' }] } } });
    // n discards the edit: the proposed plan waits for y as before.
    await app.send('n');
    frame = await app.waitFor((f) => f.split('\n').slice(-2).join('\n').includes('run? [y/n/e]'));
    expect(app.session.snapshot().pending?.plan.steps).toHaveLength(1);
    expect(existsSync(path.join(app.workspace, 'marker-chat'))).toBe(false);
    expect(await app.runs.list()).toEqual([]);
  });
});
