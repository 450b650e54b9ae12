import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveRun } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { eventually } from '../helpers/cli.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// The chat says which rule holds a plan back: an ask rule that makes a plan wait in
// /approve write, and a deny rule that refuses a /resume before any y.

const WRITE_PLAN = { goal: 'Leave a marker', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marker-chat' } }] };
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'do it' } }] };

async function interruptedRun(app: ChatApp): Promise<void> {
  const plan = PlanSchema.parse({ goal: 'Resume me', steps: [{ id: 'first', tool: 'shell', args: { command: 'touch marker-first' } }, { id: 'second', tool: 'shell', args: { command: 'echo started; [ -f go ] || sleep 30; touch marker-second' }, dependsOn: ['first'] }] });
  const stored = await app.runs.create({ runId: 'old-run', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state: initialRunState('old-run', plan.goal, ['first', 'second'], {}) }, 'test');
  let second = false;
  const handle = await driveRun({ run: stored, registry: createBuiltinRegistry(), mode: 'fresh', onEvent: (event) => void (event.type === 'step_output' && event.stepId === 'second' && (second = true)) });
  await eventually(() => (second ? true : undefined), 10_000);
  await handle.stopNow();
}

describe('the chat names the rule that holds a plan', () => {
  it('/approve write: a plan an ask rule holds waits for y, and its card says which rule (file:line) holds which step', async (context) => {
    const policy = parsePolicy('ask:\n  - shell: "touch marker-*"\n', '/policies/team.yaml');
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(WRITE_PLAN)]), policy });
    await app.send('/approve write');
    await app.send('leave a marker');
    await app.waitFor('run? [y/n/e]', 10_000);
    const frame = await app.waitForText('! mark: shell touch marker-chat: always asked by ask shell: "touch marker-*"', 10_000);
    // The card's border may wrap the line before the rule's file:line.
    expect(frame).toContain('(/policies/team.yaml:2)');
    // On the card, between its steps and the keys that answer it, inside its border; not a notice above it.
    const lines = frame.split('\n');
    const held = lines.findIndex((line) => line.includes('Held for your y/n in every approval mode:'));
    const keys = lines.findIndex((line) => line.includes('y/Enter run it'));
    const step = lines.findIndex((line) => line.includes('touch marker-chat'));
    expect(held, frame).toBeGreaterThan(step);
    expect(keys, frame).toBeGreaterThan(held);
    expect(lines[held + 1], frame).toMatch(/^│ +! mark: shell touch marker-chat/);
    expect(frame).not.toContain('This plan waits for your y/n');
    expect(existsSync(path.join(app.workspace, 'marker-chat'))).toBe(false);
  });

  it('/resume of a run whose step the policy now denies is refused at once, with the rule, not offered for y', async (context) => {
    const policy = parsePolicy('deny:\n  - shell: "echo started*"\n', '/policies/team.yaml');
    const app = await renderChatApp(context, { model: chatModel(), policy });
    await interruptedRun(app);
    await app.send('/resume old-run');
    await app.waitForText('Not run: the permission policy denies the plan of run old-run.', 10_000);
    await app.waitForText('denied by deny shell: "echo started*" (/policies/team.yaml:2)');
    expect(app.frame()).not.toContain('run? [y/n/e]');
    expect((await app.runs.inspect('old-run')).status).toBe('interrupted');
  });
});
