import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor, ksaLines, singleFailureLine, type AgentCli } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { createFakeKube } from '../helpers/fake-kube.js';
import { contentText, lastUserText, offeredTools, planReply, requestText, type RecordedRequest } from '../helpers/fake-openai-server.js';

// `ksa ask` end to end: one chat turn per process, the session on disk,
// --continue, --yes running a real plan, the reflection stored and sent back.


const marker = (cli: AgentCli) => path.join(cli.sandbox.dir, 'marker.txt');
const MARKER_PLAN = {
  goal: 'Write a marker file',
  steps: [
    { id: 'write', tool: 'shell', args: { command: 'echo from-ask > marker.txt' } },
    { id: 'check', tool: 'shell', args: { command: 'cat marker.txt' }, dependsOn: ['write'] },
  ],
};
const FAILING_PLAN = {
  goal: 'Build the shop',
  steps: [
    { id: 'prepare', tool: 'shell', args: { command: 'echo prepared > prepared.txt' }, rollback: { tool: 'shell', args: { command: 'rm -f prepared.txt' } } },
    { id: 'build', tool: 'shell', args: { command: 'echo "error TS2322: bad type" >&2; exit 2' }, dependsOn: ['prepare'] },
  ],
};
const REFLECTION = { success: true, summary: 'The marker file was written.', issues: [], suggestions: ['delete marker.txt when done'] };
const propose = (goal: string) => ({ toolCalls: [{ name: 'propose_plan', arguments: { goal } }] });
const messagesOf = (request: RecordedRequest) => request.body.messages.map((message) => `${message.role}: ${contentText(message)}`).join('\n');

describe.concurrent('ksa ask', () => {
  // A chat template that opens <think> in the prompt: the answer starts with reasoning and only closes it.
  it('an answer that starts with reasoning closed by a lone </think>: not the answer on stdout, not stored, not sent back', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Let me think {"goal": "WRONG"} about it</think>\n\nThe shop runs on port 8080.', chunkSize: 5 });
    const result = await cli.ksa(['ask', 'where does the shop run?']);
    expect(result.code, describeResult(result)).toBe(0);
    // stdout is a pipe here (a script capturing the answer): it gets the answer alone, never the reasoning.
    expect(result.stdout).toBe('The shop runs on port 8080.\n');
    expect(result.stderr).toContain('· thinking…');
    expect(result.stderr).not.toContain('Let me think');
    cli.server.enqueue({ text: 'Yes.' });
    const again = await cli.ksa(['ask', '--continue', 'sure?', '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    const sent = messagesOf(cli.server.requests[1]!);
    expect(sent).toContain('assistant: The shop runs on port 8080.');
    expect(sent).not.toContain('Let me think');
    expect(sent).not.toContain('</think>');
  });

  it("a secret's value typed into the message reaches the model as ***, as the session keeps it", async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Noted.' });
    const result = await cli.ksa(['ask', 'set the db password to QASpw333-secret please'], { env: { DB_PASSWORD: 'QASpw333-secret' } });
    expect(result.code, describeResult(result)).toBe(0);
    expect(requestText(cli.server.requests[0]!)).not.toContain('QASpw333-secret');
    expect(lastUserText(cli.server.requests[0]!)).toContain('set the db password to *** please');
  });

  it('--json: a model that fails gives one JSON document on stdout too, with the line the user sees', async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ maxRetries: 0 });
    cli.server.setFallback({ status: 500, error: { message: 'the model crashed', type: 'server_error' } });
    const result = await cli.ksa(['ask', 'hello', '--json']);
    expect(result.code, describeResult(result)).toBe(1);
    const line = singleFailureLine(result);
    expect(JSON.parse(result.stdout)).toEqual({ error: line.replace(/^ksa: /, '') });
    expect(line).toContain('failed with 500: the model crashed');
  });

  it('a question: the streamed answer on stdout, the session on stderr, tools offered', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'I deploy apps from plans you approve.' });
    const result = await cli.ksa(['ask', 'what can you do?']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('I deploy apps from plans you approve.\n');
    expect(result.stderr).toMatch(new RegExp(`^session \\d{8}-[0-9a-f]{6} · fake-model at ${cli.server.baseURL.replace(/[.]/g, '\\.')}\\n`));
    const [request] = cli.server.requests;
    expect(request!.body.stream).toBe(true);
    expect(offeredTools(request!)).toContain('get_run_status');
    expect(offeredTools(request!)).toContain('propose_plan');
  });

  it("--continue from another folder runs the session's plan in the session's workspace and says so; --workspace elsewhere warns; a workspace that is gone falls back to this folder", async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('write a marker file'), planReply(MARKER_PLAN), { text: 'Here is a plan.' });
    expect((await cli.ksa(['ask', 'write a marker file please'])).code).toBe(0);
    const elsewhere = path.join(path.dirname(cli.sandbox.dir), 'elsewhere');
    mkdirSync(elsewhere);
    cli.server.enqueue({ text: 'Running it now.' }, { text: JSON.stringify(REFLECTION) });
    const run = await cli.ksa(['ask', '--continue', '--yes', 'run it'], { cwd: elsewhere });
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stderr).toContain(`workspace ${cli.sandbox.dir}: the session's own workspace, not the current folder ${elsewhere}`);
    expect(readFileSync(marker(cli), 'utf8')).toBe('from-ask\n');
    expect(existsSync(path.join(elsewhere, 'marker.txt'))).toBe(false);

    cli.server.enqueue({ text: 'Fine.' });
    const other = await cli.ksa(['ask', '--continue', '--workspace', elsewhere, 'and here?']);
    expect(other.code, describeResult(other)).toBe(0);
    expect(other.stderr).toContain(`ksa: warning: workspace ${elsewhere}: this session's plans were made for ${cli.sandbox.dir}; they run in ${elsewhere} (--workspace)`);

    rmSync(cli.sandbox.dir, { recursive: true });
    cli.server.enqueue({ text: 'Still here.' });
    const gone = await cli.ksa(['ask', '--continue', 'still there?'], { cwd: elsewhere });
    expect(gone.code, describeResult(gone)).toBe(0);
    expect(gone.stderr).toContain(`workspace ${elsewhere}: the session was started in ${cli.sandbox.dir}, which no longer exists; it works in ${elsewhere} now`);
  });

  it("the printed plan names the current context and its namespace for steps that name none, as ksa run's does", async (context) => {
    const cli = await agentCliFor(context);
    const kube = await createFakeKube(path.join(cli.sandbox.dir, 'fake'), { context: 'kind-dev', namespace: 'shop', contexts: { 'prod-eu': 'web' } });
    const plan = {
      goal: 'List the pods',
      steps: [
        { id: 'cur', tool: 'shell', args: { command: 'kubectl get pods || true' } },
        { id: 'eu', tool: 'shell', args: { command: 'kubectl --context prod-eu get svc' } },
      ],
    };
    cli.server.enqueue(propose('list pods'), planReply(plan), { text: 'Here is a plan.' });
    const result = await cli.ksa(['ask', 'list pods'], { env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/^ +shell: kubectl get pods \|\| true\n +cluster kind-dev \(current\) · namespace shop \(the context's\)$/m);
    expect(result.stdout).toMatch(/^ +shell: kubectl --context prod-eu get svc\n +cluster prod-eu · namespace web \(the context's\)$/m);
    expect(result.stdout).not.toContain('(the current context)');
  });

  it('a proposed plan is printed, not run; ksa ask --continue sees it; --continue --yes runs it and stores the reflection', async (context) => {
    const cli = await agentCliFor(context);
    // Turn 1: the model proposes; the planner answers; the model comments.
    cli.server.enqueue(propose('write a marker file'), planReply(MARKER_PLAN), { text: 'Here is a plan that writes marker.txt.' });
    const first = await cli.ksa(['ask', 'write a marker file please']);
    expect(first.code, describeResult(first)).toBe(0);
    expect(first.stdout).toContain('Here is a plan that writes marker.txt.');
    expect(first.stdout).toContain('Plan: Write a marker file');
    expect(first.stdout).toContain('shell: echo from-ask > marker.txt');
    expect(first.stdout).toContain('Not run.');
    expect(first.stdout).toContain('ksa ask --continue --yes "run it"');
    expect(existsSync(marker(cli))).toBe(false);

    // Turn 2 (--continue): the request carries turn 1, with the plan in full.
    cli.server.enqueue({ text: 'It writes marker.txt, then prints it.' });
    const second = await cli.ksa(['ask', '--continue', 'what does it do?']);
    expect(second.code, describeResult(second)).toBe(0);
    const history = messagesOf(cli.server.requests.at(-1)!);
    expect(history).toContain('user: write a marker file please');
    expect(history).toContain('"command":"echo from-ask > marker.txt"');
    expect(history).toContain('Here is a plan that writes marker.txt.');
    expect(lastUserText(cli.server.requests.at(-1)!)).toBe('what does it do?');

    // Turn 3 (--continue --yes): the plan still on the table runs; the reflection comes from the model.
    cli.server.enqueue({ text: 'Running it now.' }, { text: JSON.stringify(REFLECTION) });
    const third = await cli.ksa(['ask', '--continue', '--yes', 'run it']);
    expect(third.code, describeResult(third)).toBe(0);
    expect(readFileSync(marker(cli), 'utf8')).toBe('from-ask\n');
    expect(third.stdout).toContain('✓ Reflection: The marker file was written.');
    expect(third.stdout).toContain('→ delete marker.txt when done');
    const reflectionRequest = cli.server.requests.at(-1)!;
    expect(reflectionRequest.body.response_format).toMatchObject({ json_schema: { name: 'reflection' } });
    expect(lastUserText(reflectionRequest)).toMatch(/Run \d{8}-\d{6}-[0-9a-f]+: succeeded/);
    expect(lastUserText(reflectionRequest)).toContain('- write [shell]: succeeded, 1 attempt(s)');

    // Turn 4 (--continue --json): the reflection is in the messages the model gets.
    cli.server.enqueue({ text: 'It went well: the marker was written.' });
    const fourth = await cli.ksa(['ask', '--continue', '--json', 'how did it go?']);
    expect(fourth.code, describeResult(fourth)).toBe(0);
    const document = JSON.parse(fourth.stdout) as { sessionId: string; text: string; totalTokens: number };
    expect(document.text).toBe('It went well: the marker was written.');
    const sent = messagesOf(cli.server.requests.at(-1)!);
    expect(sent).toMatch(/\[approved plan p[\w-]+; started run \d{8}-\d{6}-[0-9a-f]+\]/);
    expect(sent).toMatch(/\[run \d{8}-\d{6}-[0-9a-f]+: succeeded\]/);
    expect(sent).toContain('[reflection on run ');
    expect(sent).toContain('The marker file was written. Suggestions: delete marker.txt when done.]');
    // All four turns were one session.
    expect(fourth.stderr).toBe('');
    expect(third.stderr).toContain(`session ${document.sessionId}`);
  });

  it('--yes in one turn: proposes, runs, reflects; --json reports the run and the reflection', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('write a marker'), planReply(MARKER_PLAN), { text: 'Plan ready.' }, { text: JSON.stringify(REFLECTION) });
    const result = await cli.ksa(['ask', '--yes', '--json', 'write a marker']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(marker(cli), 'utf8')).toBe('from-ask\n');
    const document = JSON.parse(result.stdout) as { plan: { plan: { goal: string } }; run: { runId: string; status: string; reflection: unknown } };
    expect(document.plan.plan.goal).toBe('Write a marker file');
    expect(document.run).toMatchObject({ status: 'succeeded', reflection: REFLECTION });
    const listed = await cli.ksa(['runs', '--json']);
    expect(listed.code, describeResult(listed)).toBe(0);
    const { runs } = JSON.parse(listed.stdout) as { runs: { runId: string; status: string }[] };
    expect(runs).toMatchObject([{ runId: document.run.runId, status: 'succeeded' }]);
  });

  it('--yes with a plan that fails: exit 1, rolled back, the reflection sees the failing step and its log', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('build the shop'), planReply(FAILING_PLAN), { text: 'Plan ready.' }, (request) => {
      expect(lastUserText(request)).toContain('- build [shell]: failed, 1 attempt(s), error: ');
      expect(lastUserText(request)).toContain('Last log lines of build:');
      expect(lastUserText(request)).toContain('error TS2322: bad type');
      return { text: JSON.stringify({ success: false, summary: 'build failed on a type error.', issues: ['error TS2322: bad type'], suggestions: ['fix the type, then retry build'] }) };
    });
    const result = await cli.ksa(['ask', '--yes', '--allow-destroy', 'build the shop']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(cli.sandbox.dir, 'prepared.txt'))).toBe(false);
    expect(result.stdout).toContain('✗ Reflection: build failed on a type error.');
    expect(result.stdout).toContain('• error TS2322: bad type');
    expect(cli.server.pending()).toBe(0);
  });

  it('--yes with a failing plan and a model that cannot reflect: the deterministic reflection is stored and shown', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('build the shop'), planReply(FAILING_PLAN), { text: 'Plan ready.' });
    cli.server.setFallback({ status: 500, error: 'reflection backend down', headers: { 'retry-after-ms': '1' } });
    const result = await cli.ksa(['ask', '--yes', '--allow-destroy', 'build the shop']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain('✗ Reflection: The run failed at build; rolled back prepare.');
    expect(result.stdout).toContain('→ retry just the failed step (build)');
    expect(result.stderr).toMatch(/ksa: warning: reflection from the run record only: .*reflection backend down/);
    // The next turn's request carries that reflection too.
    cli.server.setFallback(undefined);
    cli.server.enqueue({ text: 'The build step failed.' });
    expect((await cli.ksa(['ask', '--continue', 'what happened?'])).code).toBe(0);
    expect(messagesOf(cli.server.requests.at(-1)!)).toContain('The run failed at build; rolled back prepare.');
  });

  it('--yes with a model whose reflection is not the JSON asked for: the run record\'s reflection, and the reason in words', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('build the shop'), planReply(FAILING_PLAN), { text: 'Plan ready.' }, { text: JSON.stringify({ goal: 'not a reflection' }) });
    const result = await cli.ksa(['ask', '--yes', '--allow-destroy', 'build the shop']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain('✗ Reflection: The run failed at build; rolled back prepare.');
    expect(result.stderr).toContain(`ksa: warning: reflection from the run record only: the model at ${cli.server.baseURL} answered, but not with the JSON ksa asked for\n`);
    expect(result.stderr).not.toContain('No object generated');
  });

  it('--yes with no plan on the table runs nothing', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Nothing to run.' });
    const result = await cli.ksa(['ask', '--yes', 'run it']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('No plan to approve: nothing was run.');
  });

  it('-o saves the proposed plan as YAML that ksa run accepts', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('write a marker'), planReply(MARKER_PLAN), { text: 'Saved.' });
    const result = await cli.ksa(['ask', '-o', 'proposal.yaml', 'write a marker']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('Saved to proposal.yaml; run it with: ksa run proposal.yaml');
    const run = await cli.ksa(['run', 'proposal.yaml', '--yes']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(readFileSync(marker(cli), 'utf8')).toBe('from-ask\n');
  });

  it('-o when the model proposes no plan: says nothing was written, and no file appears', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Which app do you mean?' });
    const result = await cli.ksa(['ask', '-o', 'proposal.yaml', 'deploy it']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('No plan was proposed this turn: nothing was written to proposal.yaml.');
    expect(existsSync(path.join(cli.sandbox.dir, 'proposal.yaml'))).toBe(false);
  });

  it('the proposed plan shows each step\'s risk as ksa run does: harmless commands are read, no ! marks', async (context) => {
    const cli = await agentCliFor(context);
    const harmless = { goal: 'hello', steps: [{ id: 'hello', tool: 'shell', args: { command: 'sleep 1' } }, { id: 'wait', tool: 'shell', args: { command: 'echo hi' }, dependsOn: ['hello'] }] };
    cli.server.enqueue(propose('hello'), planReply(harmless), { text: 'Here it is.' });
    const result = await cli.ksa(['ask', '-o', 'hello.yaml', 'deploy hello']);
    expect(result.code, describeResult(result)).toBe(0);
    const shown = result.stdout.slice(result.stdout.indexOf('Plan: hello'), result.stdout.indexOf('Not run.')).trimEnd();
    expect(shown).toContain('2 steps, up to 5 at once, risk: read');
    expect(shown).not.toMatch(/^!|runs commands on this machine/m);
    const run = await cli.ksa(['run', 'hello.yaml', '--dry-run']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stdout.slice(0, run.stdout.indexOf('Dry run:')).trimEnd()).toBe(shown);
  });

  it('-o proposal.json saves JSON, which ksa run reads; -o x.mmd is refused before the model is asked', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('write a marker'), planReply(MARKER_PLAN), { text: 'Saved.' });
    const result = await cli.ksa(['ask', '-o', 'proposal.json', 'write a marker']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cli.sandbox.dir, 'proposal.json'), 'utf8'))).toMatchObject({ goal: MARKER_PLAN.goal });
    expect((await cli.ksa(['validate', 'proposal.json'])).code).toBe(0);
    const before = cli.server.requests.length;
    const diagram = await cli.ksa(['ask', '-o', 'plan.mmd', 'write a marker']);
    expect(diagram.code, describeResult(diagram)).toBe(2);
    expect(singleFailureLine(diagram)).toBe('ksa: -o plan.mmd: ksa ask saves the plan for ksa run, not a diagram; use a name ending in .yaml or .json (ksa plan --format mermaid draws one)');
    expect(cli.server.requests).toHaveLength(before);
  });

  it('-o into a folder that does not exist: one line, exit 2, before the model is asked', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['ask', '-o', 'missing/proposal.yaml', 'write a marker']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe('ksa: -o missing/proposal.yaml: no such folder missing; create it first (mkdir -p missing) or write elsewhere');
    expect(cli.server.requests).toHaveLength(0);
  });

  it.skipIf(!existsSync('/proc/self'))('-o in a folder that takes no new files (/proc): one line naming the file, exit 2, before the model is asked', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['ask', '-o', '/proc/ksa-proposal.yaml', 'write a marker']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe('ksa: -o /proc/ksa-proposal.yaml: cannot create files in /proc');
    expect(cli.server.requests).toHaveLength(0);
  });

  it('an answer cut off at the output limit says so on stderr, with how to get the rest; --json marks it', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'The steps are: build, then', finishReason: 'length' }, { text: 'Cut again', finishReason: 'length' }, { text: 'Complete.' });
    const result = await cli.ksa(['ask', 'explain']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('The steps are: build, then\n');
    expect(result.stderr).toMatch(/The answer was cut off at the model's output limit; for the rest: ksa ask --session \S+ "go on"/);
    const json = await cli.ksa(['ask', '--json', 'explain']);
    expect(JSON.parse(json.stdout)).toMatchObject({ text: 'Cut again', cutOff: true });
    const complete = await cli.ksa(['ask', 'explain']);
    expect(complete.stderr).not.toContain('cut off');
  });

  it('an answer cut off at the output limit is stored marked so: "go on" sends the model the cut answer with the mark, a whole answer without one', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'The steps are: build, then', finishReason: 'length' }, { text: 'push, then deploy.' }, { text: 'Yes.' });
    const cut = await cli.ksa(['ask', '--json', 'explain']);
    const { sessionId } = JSON.parse(cut.stdout) as { sessionId: string };
    await cli.ksa(['ask', '--session', sessionId, 'go on']);
    const answers = (request: RecordedRequest) => request.body.messages.filter((message) => message.role === 'assistant').map(contentText);
    expect(answers(cli.server.requests.at(-1)!)).toEqual(["The steps are: build, then\n\n[Cut off at the model's output limit.]"]);
    await cli.ksa(['ask', '--session', sessionId, 'sure?']);
    expect(answers(cli.server.requests.at(-1)!)).toEqual([
      "The steps are: build, then\n\n[Cut off at the model's output limit.]",
      'push, then deploy.',
    ]);
  });

  it('the status tool in a CLI turn: the run recorded by ksa run is what the model is sent', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('fail.yaml', 'goal: Fail on purpose\nsteps:\n  - id: build\n    tool: shell\n    args: { command: "echo compile error xyz >&2; exit 3" }\n');
    expect((await cli.ksa(['run', 'fail.yaml', '--yes'])).code).toBe(1);
    cli.server.enqueue({ toolCalls: [{ name: 'get_step_error', arguments: {} }] }, { text: 'build exited with 3: compile error xyz' });
    const result = await cli.ksa(['ask', 'why did build fail?']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('· get_step_error {}');
    expect(result.stdout).toBe('build exited with 3: compile error xyz\n');
    const toolMessage = cli.server.requests[1]!.body.messages.find((message) => message.role === 'tool');
    expect(contentText(toolMessage!)).toContain('compile error xyz');
    expect(JSON.parse(contentText(toolMessage!))).toMatchObject({ stepId: 'build', status: 'failed' });
  });

  it('--session picks a session; an unknown one and --continue with --session are usage errors', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'first' });
    const first = await cli.ksa(['ask', '--json', 'one']);
    const { sessionId } = JSON.parse(first.stdout) as { sessionId: string };
    cli.server.enqueue({ text: 'other session' }, { text: 'back' });
    await cli.ksa(['ask', 'a new session']);
    await cli.ksa(['ask', '--session', sessionId, 'two']);
    const history = requestText(cli.server.requests.at(-1)!);
    expect(history).toContain('user: one');
    expect(history).not.toContain('a new session');

    const unknown = await cli.ksa(['ask', '--session', 'nope', 'x']);
    expect(unknown.code).toBe(2);
    expect(singleFailureLine(unknown)).toContain('no session "nope"');
    const both = await cli.ksa(['ask', '--continue', '--session', sessionId, 'x']);
    expect(both.code).toBe(2);
    expect(ksaLines(both.stderr)).toEqual(['ksa: --continue and --session cannot be used together']);
    const empty = await cli.ksa(['ask', '--session', '', 'x']);
    expect(empty.code).toBe(2);
    expect(singleFailureLine(empty)).toBe('ksa: --session needs a session id or a unique prefix of one (ksa chat lists them with /sessions); leave --session out for a new session');
    const ambiguous = await cli.ksa(['ask', '--session', sessionId.slice(0, 9), 'x']);
    expect(ambiguous.code).toBe(2);
    expect(singleFailureLine(ambiguous)).toMatch(new RegExp(`^ksa: "${sessionId.slice(0, 9)}" matches 2 sessions \\(.+\\); give more of the id$`));
    expect(cli.server.requests).toHaveLength(3);
  });
});
