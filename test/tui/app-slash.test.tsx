import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveRun } from '../../src/agent/index.js';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { REFLECTION } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { editorScript } from '../helpers/editor-script.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// Slash commands: /help /plans /runs /status /resume /new /sessions /model /think /clear /quit.

const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');
const SMALL_PLAN = { goal: 'Touch two files', steps: [{ id: 'one', tool: 'shell', args: { command: 'touch marker-one' } }, { id: 'two', tool: 'shell', args: { command: 'touch marker-two' }, dependsOn: ['one'] }] };
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'touch' } }] };

async function afterOneRun(context: Parameters<typeof renderChatApp>[0]): Promise<ChatApp> {
  const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(SMALL_PLAN), json(REFLECTION)]) });
  await app.send('touch two files');
  await app.waitFor('run? [y/n/e]');
  await app.send('y');
  await app.waitFor('Reflection on run run-1', 10_000);
  return app;
}

/** A run that was stopped after its first step (as if ksa had been killed): interrupted, resumable. */
/** A run stopped at once while its second step ran; that step finishes on resume once the file `go` exists (written here unless `holdSecond`). */
async function interruptedRun(app: ChatApp, options: { holdSecond?: boolean } = {}): Promise<void> {
  const plan = PlanSchema.parse({ goal: 'Resume me', steps: [{ id: 'first', tool: 'shell', args: { command: 'touch marker-first' } }, { id: 'second', tool: 'shell', args: { command: 'echo started; [ -f go ] || sleep 30; touch marker-second' }, dependsOn: ['first'] }] });
  const stored = await app.runs.create({ runId: 'old-run', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state: initialRunState('old-run', plan.goal, ['first', 'second'], {}) }, 'test');
  let second = false;
  const handle = await driveRun({ run: stored, registry: createBuiltinRegistry(), mode: 'fresh', onEvent: (event) => void (event.type === 'step_output' && event.stepId === 'second' && (second = true)) });
  await eventually(() => (second ? true : undefined), 10_000);
  await handle.stopNow();
  if (!options.holdSecond) await releaseSecond(app);
}

function releaseSecond(app: ChatApp): Promise<void> {
  return import('node:fs/promises').then((fs) => fs.writeFile(path.join(app.workspace, 'go'), ''));
}

describe('slash commands', () => {
  it('/help lists the keys and every command', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await app.send('/help');
    await app.waitForText('y or Enter runs it, n rejects it, e opens it in $VISUAL/$EDITOR');
    await app.waitForText('Esc interrupts the answer, or opens the run menu (y cancels, p pauses/resumes). /pause and /resume too. Ctrl-C twice quits.');
    await app.waitForText('Commands: /help /plans /runs /status [run] /pause /resume [run] /new /sessions [id] /model /think [on|off] /approve [ask|read|write] /clear /quit /init [write]');
  });

  it('/init shows an AGENTS.md draft from the workspace scan, writes it only on /init write, and never twice', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const fs = await import('node:fs/promises');
    await fs.writeFile(path.join(app.workspace, 'package.json'), JSON.stringify({ name: 'shop', scripts: { test: 'node --test' } }));
    const agents = path.join(app.workspace, 'AGENTS.md');
    await fs.writeFile(agents, '# Shop\n\nUse pnpm.\n');
    await app.send('/init');
    await app.waitForText('A draft for AGENTS.md (nothing is written yet):');
    await app.waitForText('- App: `shop`; scripts: `npm run test`.');
    await app.waitForText('Type /init write to add it to');
    expect(await fs.readFile(agents, 'utf8')).toBe('# Shop\n\nUse pnpm.\n');
    await app.send('/init write');
    await app.waitForText(`Added the section to ${agents}`);
    const written = await fs.readFile(agents, 'utf8');
    expect(written).toMatch(/^# Shop\n\nUse pnpm\.\n\n## Deploying with ksa\n/);
    expect(written).toContain('- Run `npm test` before any deploy; do not deploy when it fails.');
    await app.send('/init write');
    await app.waitForText('already has a "Deploying with ksa" section; edit it there');
    expect(await fs.readFile(agents, 'utf8')).toBe(written);
  });

  it('/init of a workspace whose package.json is one folder down: the draft runs its scripts there', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const fs = await import('node:fs/promises');
    await fs.mkdir(path.join(app.workspace, 'app'));
    await fs.writeFile(path.join(app.workspace, 'app', 'package.json'), JSON.stringify({ name: 'shop', scripts: { start: 'node server.js', test: 'node --test' } }));
    await app.send('/init');
    await app.waitForText('A draft for AGENTS.md (nothing is written yet):');
    await app.waitForText('- App: `shop` in `app/`; scripts: `npm run start`, `npm run test` (run in `app`: cwd: app).');
    await app.waitForText('- Run `npm test` in `app` (cwd: app) before any deploy; do not deploy when it fails.');
  });

  it('an unknown command is answered with the list, and is not sent to the model', async (context) => {
    const model = chatModel();
    const app = await renderChatApp(context, { model });
    await app.send('/deploy');
    await app.waitForText('! Unknown command /deploy. Try: /help /plans /runs /status /pause /resume /new /sessions /model /think /approve /clear /quit /init');
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it('/plans, /runs and /status after a run', async (context) => {
    const app = await afterOneRun(context);
    await app.send('/plans');
    await app.waitFor(/p\d+-1 {2}approved {2}Touch two files \(2 steps\)/);
    await app.send('/runs');
    await app.waitFor(/run-1 {2}succeeded {3}Touch two files/);
    await app.send('/status');
    const frame = await app.waitFor('Run run-1: succeeded · Touch two files');
    expect(frame).toMatch(/ {2}one {14}succeeded +\d+(?:ms|\.\ds)/);
    expect(frame).toMatch(/ {2}two {14}succeeded +\d+(?:ms|\.\ds)/);
    await app.send('/status nope');
    await app.waitFor('✗ ');
  });

  it('/status of an interrupted run: the step its process was running is interrupted, its duration up to its log\'s last line', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const fs = await import('node:fs/promises');
    const plan = PlanSchema.parse({ goal: 'Cut short', steps: [{ id: 'build', tool: 'shell', args: { command: 'true' } }, { id: 'count', tool: 'shell', args: { command: 'true' }, dependsOn: ['build'] }] });
    const state = initialRunState('run-cut', plan.goal, ['build', 'count'], {});
    state.status = 'running';
    state.startedAt = '2026-01-01T00:00:00.000Z';
    state.steps.build = { status: 'succeeded', attempts: 1, startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:02.000Z' };
    state.steps.count = { status: 'running', attempts: 1, startedAt: '2026-01-01T00:00:02.000Z' };
    const stored = await app.runs.create({ runId: 'run-cut', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state }, 'test');
    await stored.close();
    // Its log was last written 6 s into the step, when its process died.
    const log = path.join(app.runs.logDir('run-cut'), 'count.log');
    await fs.mkdir(path.dirname(log), { recursive: true });
    await fs.writeFile(log, 'second 6\n');
    await fs.utimes(log, new Date('2026-01-01T00:00:08.000Z'), new Date('2026-01-01T00:00:08.000Z'));
    await app.send('/status run-cut');
    const frame = await app.waitFor('Run run-cut: interrupted · Cut short');
    expect(frame).toMatch(/ {2}count {12}interrupted +6\.0s$/m);
  });

  it('/status names the worker each step ran on, as ksa status does', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const plan = PlanSchema.parse({ goal: 'Build on workers', steps: [{ id: 'build', tool: 'shell', args: { command: 'true' } }, { id: 'restart', tool: 'shell', args: { command: 'true' } }, { id: 'note', tool: 'shell', args: { command: 'true' } }] });
    const state = initialRunState('run-w', plan.goal, ['build', 'restart', 'note'], {});
    state.status = 'failed';
    state.steps.build = { status: 'succeeded', attempts: 1, worker: 'build-1', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:02.000Z' };
    state.steps.restart = { status: 'failed', attempts: 1, worker: 'web-a,web-b', succeededOn: { 'web-a': {} }, error: 'failed on 1 of 2 workers' };
    const stored = await app.runs.create({ runId: 'run-w', goal: plan.goal, createdAt: new Date().toISOString(), workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state }, 'test');
    await stored.close();
    await app.send('/status run-w');
    const frame = await app.waitFor('Run run-w: failed · Build on workers');
    expect(frame).toMatch(/ {2}build {12}succeeded +2\.0s {2}on build-1/);
    expect(frame).toMatch(/ {2}restart {10}failed +\S+ {2}succeeded on web-a {2}failed on 1 of 2 workers/);
    expect(frame).toMatch(/ {2}note {13}pending +\S+$/m);
  });

  it('an argument a command does not take, or does not know, does nothing and says so; /think on and off set the reasoning', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await app.send('/clear all');
    await app.waitFor('/clear takes no arguments; "all" was not used, and nothing was done.');
    await app.send('/init wirte');
    const frame = await app.waitFor('Unknown argument "wirte": /init shows a draft, /init write adds it to AGENTS.md.');
    expect(frame).not.toContain('A draft for AGENTS.md');
    await app.send('/think on');
    await app.waitFor('Reasoning shown');
    await app.send('/think on');
    await app.waitFor('Reasoning is shown already.');
    await app.send('/think off');
    await app.waitFor('Reasoning hidden');
    await app.send('/think maybe');
    await app.waitFor('Unknown argument "maybe": /think switches the reasoning on or off');
  });

  it('/runs and /sessions show the newest and say how many more there are, and how to reach them', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const plan = PlanSchema.parse({ goal: 'Old work', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] });
    for (let i = 0; i < 12; i++) {
      const runId = `run-${String(i).padStart(2, '0')}`;
      const createdAt = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      const stored = await app.runs.create({ runId, goal: `Old work ${i}`, createdAt, workspace: app.workspace, plan, inputs: {}, allowedEnv: [], state: initialRunState(runId, plan.goal, ['a'], {}) }, 'test');
      await stored.close();
    }
    await app.send('/runs');
    let frame = await app.waitForText('… 2 older runs (ksa runs lists them all)');
    expect(frame).toContain('Old work 11');
    expect(frame).not.toContain('Old work 1\n');
    for (let i = 0; i < 17; i++) await (await app.conversations.create({ workspace: app.workspace })).close();
    await app.send('/sessions');
    frame = await app.waitForText('… 3 older sessions; ids start with their date, and /sessions <date> lists a day\'s (e.g. /sessions ');
  });

  it('/status and /runs with no runs say so', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await app.send('/runs');
    await app.waitFor('No runs yet.');
    await app.send('/plans');
    await app.waitFor('No plans in this session yet.');
    await app.send('/status');
    const frame = await app.waitFor('No runs yet: say what to deploy, and approve the plan.');
    expect(frame).not.toContain('ksa run <plan>');
  });

  it('/resume shows an interrupted run for approval; y continues it without redoing finished steps', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    await interruptedRun(app);
    await app.send('/resume old-run');
    let frame = await app.waitFor('run? [y/n/e]');
    expect(frame).toContain('resumes run old-run: first already done and not run again');
    await import('node:fs/promises').then((fs) => fs.rm(path.join(app.workspace, 'marker-first')));
    await app.send('y');
    frame = await app.waitFor('Reflection on run old-run', 10_000);
    expect(frame).toContain('✓ Run old-run succeeded');
    expect(existsSync(path.join(app.workspace, 'marker-second'))).toBe(true);
    expect(existsSync(path.join(app.workspace, 'marker-first'))).toBe(false);
  });

  it('an edited /resume proposal reopened later (the session switched away and back, as --continue) still says, when edited again, that the run it came from stays', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `sed -i 's/touch marker-second/touch marker-second-x/' "$1"`);
    const app = await renderChatApp(context, { model: chatModel(), env: { EDITOR: editor.path } });
    await interruptedRun(app);
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('e');
    await app.waitFor('touch marker-second-x');
    const first = app.session.snapshot().sessionId;
    await app.send('/new');
    await app.waitFor((frame) => !frame.split('\n').slice(-2).join('\n').includes('run? [y/n/e]'));
    await app.send(`/sessions ${first}`);
    await app.waitFor((frame) => frame.split('\n').slice(-2).join('\n').includes('run? [y/n/e]'));
    await app.send('e');
    const frame = await app.waitFor('touch marker-second-x-x');
    const whatChanged = frame.slice(frame.lastIndexOf('What changed:')).split('\n').slice(1, 4).map((line) => line.replace(/[│\s]+$/, '').replace(/^[│\s]+/, ''));
    expect(whatChanged).toEqual(['not a resume any more: approving starts a new run, and every step runs again', 'run old-run stays interrupted (ksa cancel old-run undoes what it did)', '~ second: args.command']);
  });

  it('a revised /resume proposal says it starts a new run; approving it runs every step again and leaves the old run interrupted', async (context) => {
    const revised = { goal: 'Resume me', steps: [{ id: 'first', tool: 'shell', args: { command: 'touch marker-first' } }, { id: 'second', tool: 'shell', args: { command: 'touch marker-second-b' }, dependsOn: ['first'] }] };
    const app = await renderChatApp(context, { model: chatModel([], [json(revised), json(REFLECTION)]) });
    await interruptedRun(app);
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('touch marker-second-b instead');
    let frame = await app.waitFor((f) => f.includes('↻ replaced by a revision') && f.includes('run? [y/n/e]'));
    const whatChanged = frame.slice(frame.lastIndexOf('What changed:')).split('\n').slice(1, 4).map((line) => line.replace(/[│\s]+$/, '').replace(/^[│\s]+/, ''));
    expect(whatChanged).toEqual(['not a resume any more: approving starts a new run, and every step runs again', 'run old-run stays interrupted (ksa cancel old-run undoes what it did)', '~ second: args.command']);
    await import('node:fs/promises').then((fs) => fs.rm(path.join(app.workspace, 'marker-first')));
    await app.send('y');
    frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(existsSync(path.join(app.workspace, 'marker-first'))).toBe(true);
    expect((await app.runs.inspect('old-run')).status).toBe('interrupted');
  });

  it('an edit of a /resume proposal, and an edit of that edit, say the run they came from stays as it is', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await interruptedRun(app);
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    const edit = async (command: string) => {
      const plan = app.session.beginEdit()!.plan;
      const result = await app.session.applyEdit({ ...plan, steps: plan.steps.map((step) => (step.id === 'second' ? { ...step, args: { command } } : step)) });
      expect(result).toEqual({ ok: true });
      return app.session.snapshot().pending!;
    };
    for (const command of ['touch marker-second-b', 'touch marker-second-c']) {
      const pending = await edit(command);
      expect(pending.resumeRunId).toBeUndefined();
      expect(pending.changes?.split('\n')).toEqual(['not a resume any more: approving starts a new run, and every step runs again', 'run old-run stays interrupted (ksa cancel old-run undoes what it did)', '~ second: args.command']);
    }
    await app.waitForText('run old-run stays interrupted (ksa cancel old-run undoes what it did)');
  });

  it('while a resumed run runs, the steps done before it count as done in the live view', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([], [json(REFLECTION)]) });
    await interruptedRun(app, { holdSecond: true });
    await app.send('/resume old-run');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    const frame = await app.waitFor(/1\/2 done · 1 running/, 10_000);
    expect(frame).toMatch(/first\s+succeeded/);
    await releaseSecond(app);
    await app.waitFor('Reflection on run old-run', 40_000);
  });

  it('/resume of a finished run says it cannot', async (context) => {
    const app = await afterOneRun(context);
    await app.send('/resume run-1');
    await app.waitForText('! Run run-1 has succeeded; only interrupted or paused runs can be resumed.');
  });

  it('/model names the model and endpoint and where they came from', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    await app.send('/model');
    await app.waitForText('Model mock-model (from KSA_MODEL) at http://127.0.0.1:9/v1 (from OPENAI_BASE_URL). Change them with KSA_MODEL and OPENAI_BASE_URL.');
    await app.waitForText('Chat mode: tools (the model calls ksa’s functions).');
  });

  it('/new starts an empty session; /sessions lists both; /sessions <id> switches back with its history', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'First answer.' }]) });
    const firstId = app.session.deps.conversation.id;
    await app.send('first session message');
    await app.waitFor('First answer.');
    await app.send('/new');
    let frame = await app.waitFor((f) => /session (\S+) · ready/.exec(tail(f, 1))?.[1] !== firstId);
    const secondId = /session (\S+) · ready/.exec(tail(frame, 1))![1]!;
    await app.send('/sessions');
    frame = await app.waitFor(new RegExp(`${secondId} .* 0 msgs`));
    expect(frame).toMatch(new RegExp(`${firstId} .* {3}2 msgs  first session message`));
    await app.send(`/sessions ${firstId}`);
    // The reopened session's history is drawn again below (right after its first frame).
    frame = await app.waitFor((f) => tail(f, 1).includes(`session ${firstId} · ready`) && f.lastIndexOf('› first session message') > f.lastIndexOf(`${secondId}`));
    expect(frame.lastIndexOf('› first session message')).toBeGreaterThan(frame.lastIndexOf(`${secondId}`));
    await app.send('/sessions nope');
    await app.waitFor(/✗ .*nope/);
  });

  it('after /new, Up recalls what was typed in the session before (this process\'s inputs outlive a session switch)', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'First answer.' }]) });
    const firstId = app.session.deps.conversation.id;
    await app.send('first session message');
    await app.waitFor('First answer.');
    await app.send('/new');
    await app.waitFor((f) => /session (\S+) · ready/.exec(tail(f, 1))?.[1] !== firstId);
    await app.press('up');
    await app.waitFor((f) => tail(f, 3).includes('› /new'));
    await app.press('up');
    await app.waitFor((f) => tail(f, 3).includes('› first session message'));
  });

  it('/new: the header of the new session names the new session', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const firstId = app.session.deps.conversation.id;
    await app.send('/new');
    const frame = await app.waitFor((f) => !tail(f, 1).includes(firstId));
    const secondId = /session (\S+) · ready/.exec(tail(frame, 1))![1]!;
    const headers = [...frame.matchAll(/│ session (\S+)/g)].map((match) => match[1]);
    expect(secondId).not.toBe(firstId);
    expect(headers.at(-1)).toBe(secondId);
  });

  it('/sessions <the current id> says you are in it already', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const id = app.session.deps.conversation.id;
    await app.send(`/sessions ${id}`);
    const frame = await app.waitFor((f) => f.includes('✗') || /already/i.test(f), 3000);
    expect(frame).not.toContain('being run by process');
    expect(frame).toMatch(/already/i);
  });

  it('a session open elsewhere is refused with advice that works', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const error = await app.conversations.open(app.session.deps.conversation.id).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/is being run by process|is open in/);
    expect(error?.message).not.toContain('stop it with: ksa chat --session');
  });

  it('/clear clears the screen and keeps the session', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'Kept.' }]) });
    await app.send('hello');
    await app.waitFor('Kept.');
    await app.send('/clear');
    await eventually(() => (app.stdout.frames.some((frame) => frame.includes('\u001b[2J')) ? true : undefined));
    expect(app.session.snapshot().history.map((item) => item.kind)).toEqual(['user', 'assistant']);
  });

  it('/quit saves the session and leaves', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'Bye.' }]) });
    await app.send('bye');
    await app.waitFor('Bye.');
    await app.send('/quit');
    const store = new (await import('../../src/store/index.js')).ConversationStore(app.home);
    const conversation = await eventually(() => store.open(app.session.deps.conversation.id), 5000);
    expect((await conversation.messages()).map((message) => message.kind)).toEqual(['user', 'assistant']);
    await conversation.close();
  });
});
