import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { chatHarnessFor, type ChatHarness } from '../helpers/chat-pty.js';
import { markerPlan, proposal, reflectionReply, requestKind, toolAnswer } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { lastUserText, planReply } from '../helpers/fake-openai-server.js';

// `ksa chat` end to end in a pseudo-terminal, against a local fake
// OpenAI-compatible server: a whole conversation with a plan that really runs,
// then a restart with --continue that shows it all again.

const markers = (harness: ChatHarness) => readdirSync(harness.sandbox.dir).filter((name) => name.startsWith('marker-')).sort();

/** The marker plan, with a serve step slow enough to watch in the live view. */
function slowServePlan(port: number) {
  const plan = markerPlan(port);
  const serve = plan.steps[3]!;
  return { ...plan, steps: [...plan.steps.slice(0, 3), { ...serve, args: { command: `echo serving on ${port}; sleep 0.5; touch marker-serve-${port}` } }] };
}

describe.concurrent('ksa chat: a conversation', () => {
  it('goal → plan card → revision → approve → the steps run → reflection → "what\'s the status?" → answer; --continue shows it all', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const chat = await harness.open();
    let screen = await chat.screen();
    expect(screen).toContain('KubeStack AI');
    expect(screen).toContain(`model fake-model at ${server.baseURL}`);
    expect(screen).toContain(`workspace ${harness.sandbox.dir}`);

    // The goal: the model proposes, the planner answers, the card waits for approval.
    server.enqueue(...proposal('deploy the marker app', slowServePlan(8080), 'The plan is ready for you.'));
    await chat.send('deploy the marker app');
    screen = await chat.waitForScreen('run? [y/n/e]');
    expect(screen).toContain('Let me plan that.');
    expect(screen).toContain('Plan: Deploy the marker app');
    // The card is drawn at once and marked again when the risk assessment arrives (after the engine's policy
    // loads): wait for the assessed card, where only the step whose rollback destroys is marked.
    screen = await chat.waitForScreen('risk: destroy');
    expect(screen).toContain(' 1. prepare (Prepare the workspace)');
    expect(screen).toContain('write: touch is not known to be read-only');
    expect(screen).toContain('!4. serve');
    expect(screen).toContain('shell: echo serving on 8080; sleep 0.5; touch marker-serve-8080');
    expect(screen).toContain('after lint, unit · up to 3 attempts · timeout 30s per attempt');
    expect(screen).toContain('rollback: shell: rm -f marker-serve-8080');
    expect(screen).toContain('y/Enter run it · n reject · e edit in $EDITOR · or type what to change');
    expect(server.requests.map(requestKind)).toEqual(['chat', 'plan', 'chat']);

    // A revision in plain words: the planner is asked, the new card shows what changed.
    server.enqueue(planReply(slowServePlan(9090)));
    await chat.send('use port 9090');
    screen = await chat.waitForScreen('What changed:');
    expect(lastUserText(server.requests.at(-1)!)).toContain('Revise it as the user asks: "use port 9090"');
    expect(screen).toContain('↻ replaced by a revision');
    expect(screen).toContain('shell: echo serving on 9090; sleep 0.5; touch marker-serve-9090');
    expect(screen).toMatch(/~ serve: args\.command/);
    expect(markers(harness)).toEqual([]);

    // Approve: the live view while serve runs, then the summary and the reflection.
    server.enqueue(reflectionReply());
    chat.press('enter');
    screen = await chat.waitForScreen(/─ serve running/);
    expect(screen).toMatch(/✓ ┬ lint succeeded/);
    expect(screen).toMatch(/✓ ┴ unit succeeded/);
    expect(screen).toMatch(/3\/4 done · 1 running/);
    screen = await chat.waitForScreen('Reflection on run', 15_000);
    expect(markers(harness)).toEqual(['marker-lint', 'marker-prepare', 'marker-serve-9090', 'marker-unit']);
    const runId = /✓ Run (\S+) succeeded · 4 succeeded/.exec(screen)?.[1];
    expect(runId, screen).toBeDefined();
    expect(screen).toContain('All four steps succeeded; the app serves.');
    expect(screen).toContain('→ open http://localhost:8080 to check it');
    expect(requestKind(server.requests.at(-1)!)).toBe('reflection');

    // A question answered from the store: the model calls get_run_status and reads its result.
    server.enqueue(...toolAnswer('get_run_status', {}, (result) => {
      const doc = result as { runId: string; status: string; steps: { id: string; status: string }[] };
      return `Run ${doc.runId} ${doc.status}: ${doc.steps.map((step) => `${step.id} ${step.status}`).join(', ')}.`;
    }));
    await chat.send("what's the status?");
    screen = await chat.waitForScreen(`Run ${runId} succeeded: prepare succeeded, lint succeeded, unit succeeded, serve succeeded.`);
    expect(screen).toContain(`· get_run_status: run ${runId}: succeeded`);

    // Ctrl-C twice quits (the session is saved); --continue reopens it with its history.
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
    const again = await harness.open(['--continue']);
    // The history is drawn right after the first frame (header, input, status line).
    screen = await again.waitForScreen('serve succeeded.');
    expect(screen).toContain('(continued)');
    for (const text of ['› deploy the marker app', '› use port 9090', '✓ approved', `Run ${runId} succeeded`, `✓ Reflection on run ${runId}`, "› what's the status?", 'serve succeeded.']) {
      expect(screen, text).toContain(text);
    }
    await again.waitForBottom(/· ready ·/, 1);
    // Up recalls what was typed before the restart, newest first.
    again.press('up');
    await again.waitForBottom(/^› what's the status\?\s*$/m, 2);
    again.press('up');
    await again.waitForBottom(/^› use port 9090\s*$/m, 2);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a chat killed with kill -9 is the one --continue reopens, not the one before it; /sessions names it by its first message', async (context) => {
    const harness = await chatHarnessFor(context);
    const first = await harness.open();
    harness.server.enqueue({ text: 'The first answer.' });
    await first.send('the first session');
    await first.waitForScreen('The first answer.');
    expect(await first.quit()).toMatchObject({ exitCode: 0 });

    const second = await harness.open();
    harness.server.enqueue({ text: 'The second answer.' });
    await second.send('the session that is killed');
    const shown = await second.waitForScreen('The second answer.');
    // Messages are written within 50 ms of each other (group commit): kill once the answer is on disk.
    const id = /session (\d{8}-[0-9a-f]{6}) /.exec(shown)![1]!;
    const segment = path.join(harness.sandbox.home, 'conversations', id, 'messages-000001.json');
    await vi.waitFor(() => expect(readFileSync(segment, 'utf8')).toContain('The second answer.'), { timeout: 5000 });
    second.term.kill('SIGKILL');
    await second.term.exited;

    const again = await harness.open(['--continue']);
    const screen = await again.waitForScreen('The second answer.');
    expect(screen).toContain('› the session that is killed');
    expect(screen).not.toContain('the first session');
    await again.send('/sessions');
    await again.waitForScreen(/the session that is killed/);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a chat killed while its run goes on: --continue says the run was interrupted and how to resume it', async (context) => {
    const harness = await chatHarnessFor(context);
    const plan = {
      goal: 'Deploy slowly',
      steps: [
        { id: 'a', tool: 'shell', args: { command: 'touch marker-a' } },
        { id: 'b', tool: 'shell', args: { command: 'sleep 3' }, dependsOn: ['a'] },
      ],
    };
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy slowly', plan));
    await chat.send('deploy slowly');
    await chat.waitForScreen('run? [y/n/e]');
    chat.press('enter');
    await chat.waitForScreen(/─? ?b running/);
    // run.json is written in groups: killed before a's success reaches it, the run would count 0 steps done.
    const runs = path.join(harness.sandbox.home, 'runs');
    await eventually(() => {
      try {
        const [runId] = readdirSync(runs).filter((name) => !name.endsWith('.json'));
        return runId && JSON.parse(readFileSync(path.join(runs, runId, 'run.json'), 'utf8')).state.steps.a.status === 'succeeded' ? true : undefined;
      } catch {
        return undefined;
      }
    }, 10_000);
    chat.term.kill('SIGKILL');
    await chat.term.exited;

    const again = await harness.open(['--continue']);
    const screen = await again.waitForScreen(/was interrupted: ksa stopped while it ran/);
    // The notice wraps at the terminal's width: read it as one line.
    const notice = screen.slice(screen.indexOf('! Run ')).split('\n› ')[0]!.replace(/\n/g, ' ');
    expect(notice).toMatch(/^! Run (\S+) was interrupted: ksa stopped while it ran \(1 of 2 steps done\)\. \/resume \1 continues it; \/status \1 shows where it stopped\.$/);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('n rejects the plan: nothing runs, no run is recorded', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    await chat.send('n');
    const screen = await chat.waitForScreen('Plan rejected; nothing was run.');
    expect(screen).toContain('✗ rejected');
    expect(markers(harness)).toEqual([]);
    expect(existsSync(path.join(harness.sandbox.home, 'runs'))).toBe(false);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('e opens the plan in $EDITOR (a script here); the saved edit is validated, shown with what changed, and runs', async (context) => {
    const harness = await chatHarnessFor(context);
    const editor = await harness.script('edit-plan.sh', `sed -i 's/touch marker-lint/touch marker-lint-edited/' "$1"`);
    const chat = await harness.open([], { env: { EDITOR: editor } });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    await chat.send('e');
    let screen = await chat.waitForScreen('What changed:');
    expect(screen).toContain('✎ replaced by your edit');
    expect(screen).toContain('shell: touch marker-lint-edited');
    expect(screen).toMatch(/~ lint: args\.command/);
    harness.server.enqueue(reflectionReply());
    await chat.send('y');
    screen = await chat.waitForScreen('Reflection on run', 15_000);
    expect(markers(harness)).toEqual(['marker-lint-edited', 'marker-prepare', 'marker-serve-8080', 'marker-unit']);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('an edit with a step the workspace policy denies shows the denial when saved and is never offered for approval', async (context) => {
    const harness = await chatHarnessFor(context);
    await mkdir(path.join(harness.sandbox.dir, '.ksa'));
    await writeFile(path.join(harness.sandbox.dir, '.ksa', 'policy.yaml'), 'deny:\n  - shell: "rm -rf *"\n');
    const editor = await harness.script('edit-plan.sh', `sed -i 's/touch marker-lint/rm -rf marker-lint/' "$1"`);
    const chat = await harness.open([], { env: { EDITOR: editor } });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    await chat.send('e');
    let screen = await chat.waitForScreen('Your edited plan has 1 problem:');
    expect(screen).toContain('steps[1]: shell rm -rf marker-lint: denied by deny shell: "rm -rf *"');
    expect(screen).not.toContain('✎ replaced by your edit');
    await chat.waitForBottom(/edit\? \[e\/n\]/);
    // n keeps the proposed plan, which waits for approval as before.
    await chat.send('n');
    await chat.waitForBottom(/run\? \[y\/n\/e\]/);
    expect(markers(harness)).toEqual([]);
    expect(existsSync(path.join(harness.sandbox.home, 'runs'))).toBe(false);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
