import { describe, expect, it } from 'vitest';
import { CONTEXT_HINT, createChatModel, describeOutcome, reflectOnRun, runChatTurn, toModelError, type TurnEvent } from '../../src/agent/index.js';
import { PlanSchema } from '../../src/planning/index.js';
import { readLogTail, RunStore } from '../../src/store/index.js';
import { CYCLIC_PLAN, json, parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { BUILD_ERROR, FAILING_PLAN, recordRun } from '../helpers/agent-runs.js';
import { useChatHttpRig } from '../helpers/chat-http-rig.js';
import { contentText, lastUserText, offeredTools, planReply } from '../helpers/fake-openai-server.js';

// Chat turns and reflection over real HTTP: SSE streaming, tool calls whose
// arguments arrive split across chunks, tool results sent back, all asserted
// in the fake server's request log.

const rig = useChatHttpRig('ksa-chat-http-');

async function chat(text: string, runs = new RunStore(rig.home), timeoutMs?: number) {
  const events: TurnEvent[] = [];
  const result = await runChatTurn({ model: createChatModel(rig.config), tools, runs, conversation: rig.conversation, context: 'Workspace: /srv/shop', text, maxRetries: 0, timeoutMs, onEvent: (event) => events.push(event) });
  return { result, events };
}

describe('chat turns over HTTP (SSE)', () => {
  it('a streamed answer arrives in pieces; the request streams and offers every agent tool', async () => {
    rig.server.enqueue({ text: 'I can deploy, check runs and explain failures.', chunkSize: 4 });
    const { result, events } = await chat('what can you do?');
    expect(result.text).toBe('I can deploy, check runs and explain failures.');
    expect(events.filter((event) => event.type === 'text').length).toBeGreaterThanOrEqual(10);
    const [request] = rig.server.requests;
    expect(request!.body.stream).toBe(true);
    expect(offeredTools(request!).sort()).toEqual(['cancel_run', 'get_run_status', 'get_step_error', 'list_runs', 'propose_plan', 'revise_plan']);
    expect(contentText(request!.body.messages[0]!)).toContain('You are KubeStack AI (ksa)');
    expect(lastUserText(request!)).toBe('what can you do?');
  });

  it('"why did build fail?": the model calls get_step_error, the result goes back, the answer quotes it', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue(
      // Arguments split over several SSE chunks.
      { toolCalls: [{ id: 'call_status_1', name: 'get_run_status', arguments: { runId: '20260101-120000' } }], chunkSize: 5 },
      { text: 'build failed: `error TS2322` in src/app.ts line 3.' },
    );
    const { result, events } = await chat('why did build fail?', runs);
    expect(result.text).toBe('build failed: `error TS2322` in src/app.ts line 3.');
    expect(events.find((event) => event.type === 'tool-call')).toEqual({ type: 'tool-call', tool: 'get_run_status', input: { runId: '20260101-120000' } });

    expect(rig.server.requests).toHaveLength(2);
    const second = rig.server.requests[1]!.body.messages;
    const assistant = second.find((message) => message.role === 'assistant' && message.tool_calls);
    expect(assistant?.tool_calls).toEqual([{ id: 'call_status_1', type: 'function', function: { name: 'get_run_status', arguments: '{"runId":"20260101-120000"}' } }]);
    const toolMessage = second.find((message) => message.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe('call_status_1');
    const status = JSON.parse(contentText(toolMessage!)) as { runId: string; status: string; steps: { id: string; error?: string }[] };
    expect(status).toMatchObject({ runId: '20260101-120000-abc', status: 'failed' });
    expect(status.steps.find((step) => step.id === 'build')?.error).toBe(BUILD_ERROR);
    // Stored for the next turn.
    expect((await rig.conversation.messages()).map((message) => message.kind)).toEqual(['user', 'tool_call', 'tool_result', 'assistant']);
  });

  it.each(['eos_token', 'stop', 'unknown'])('a tool call whose finish reason is %s is run and answered, as with tool_calls', async (finishReason) => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }], finishReason }, { text: 'One run; build failed.' });
    const { result } = await chat('which runs were there?', runs);
    expect(result.text).toBe('One run; build failed.');
    expect(rig.server.requests).toHaveLength(2);
    expect(rig.server.requests[1]!.body.messages.some((message) => message.role === 'tool')).toBe(true);
  });

  it('a tool call cut off at the output limit (length) is not taken as a call to answer', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }], finishReason: 'length' }, { text: 'never asked' });
    await chat('which runs were there?').catch(() => undefined);
    expect(rig.server.requests).toHaveLength(1);
  });

  it('two tool calls in one answer are both run and both answered', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }, { name: 'get_step_error', arguments: {} }], chunkSize: 3 }, { text: 'One run; build failed.' });
    await chat('status?', runs);
    const toolMessages = rig.server.requests[1]!.body.messages.filter((message) => message.role === 'tool');
    expect(toolMessages).toHaveLength(2);
    expect(toolMessages.map(contentText).join('\n')).toContain('error TS2322');
  });

  it('look-ups and not a word after them: the turn fails in one line naming the calls, not as a silent empty answer', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }] }, { text: '' });
    const quiet = await chat('what runs were there?').catch((caught: unknown) => caught);
    expect(toModelError(quiet, rig.config).message).toBe('the model gave no answer: it called list_runs, then said nothing; ask again, or check the model with: ksa model check');
    rig.server.reset();
    rig.server.setFallback({ toolCalls: [{ name: 'list_runs', arguments: {} }] });
    const looping = await chat('what runs were there?').catch((caught: unknown) => caught);
    expect(toModelError(looping, rig.config).message).toBe('the model gave no answer: it kept calling functions (list_runs ×6) until ksa stopped it; ask again, or check the model with: ksa model check');
    expect(rig.server.requests).toHaveLength(6);
  });

  it('a wrong call, then an answer cut off at the output limit: the turn says it was cut off and which limit to raise', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { plan: { goal: 'x' } } }] }, { text: '', finishReason: 'length' });
    const cut = await chat('deploy the shop').catch((caught: unknown) => caught);
    expect(toModelError(cut, rig.config).message).toBe(
      'the model gave no answer: it was cut off at the model\'s output token limit (finish reason "length") after a failed call \u2014 the model called propose_plan with invalid arguments: goal: is required (string); raise the model\'s max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off, then ask again',
    );
  });

  it('a wrong call in an answer cut off at the output limit: said at once, and the model is not asked to call again', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { plan: { goal: 'x' } } }], finishReason: 'length' }, { text: 'Plan ready.' });
    const cut = await chat('deploy the shop').catch((caught: unknown) => caught);
    expect(toModelError(cut, rig.config).message).toMatch(/^the model gave no answer: it was cut off at the model's output token limit \(finish reason "length"\) after a failed call \u2014 the model called propose_plan with invalid arguments: goal: is required/);
    expect(rig.server.requests).toHaveLength(1);
  });

  it('a call cut off mid-arguments in chunks: never made nor stored, said as cut off, one request', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: '{"goal":"deploy","steps":[{"id":"a","tool":"sh' }], finishReason: 'length', chunkSize: 5 }, { text: 'Plan ready.' });
    const events: TurnEvent[] = [];
    const cut = await runChatTurn({ model: createChatModel(rig.config), tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: 'Workspace: /srv/shop', text: 'deploy the shop', maxRetries: 0, onEvent: (event) => events.push(event) }).catch((caught: unknown) => caught);
    expect(toModelError(cut, rig.config).message).toMatch(/^the model gave no answer: its call of propose_plan was cut off at the model's output token limit \(finish reason "length"\) before its arguments were complete; /);
    expect(events.filter((event) => event.type === 'tool-call' || event.type === 'tool-result')).toEqual([]);
    expect((await rig.conversation.messages()).map((message) => message.kind)).toEqual(['user']);
    expect(rig.server.requests).toHaveLength(1);
  });

  it('text, then a call cut off mid-arguments: the text stays the answer, marked cut off in that call, one request', async () => {
    rig.server.enqueue({ text: 'Here is a plan.', toolCalls: [{ name: 'propose_plan', arguments: '{"goal":"deploy","steps":[{"id":"a","tool":"sh' }], finishReason: 'length', chunkSize: 5 }, { text: 'Plan ready.' });
    const result = await runChatTurn({ model: createChatModel(rig.config), tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: 'Workspace: /srv/shop', text: 'deploy the shop', maxRetries: 0 });
    expect(result).toMatchObject({ text: 'Here is a plan.', cutOff: true, cutCall: 'propose_plan' });
    expect(result.proposal).toBeUndefined();
    expect(rig.server.requests).toHaveLength(1);
  });

  it('propose_plan: a streamed tool call, a JSON planner request, then the streamed answer', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'build and check the shop on port 8080' } }] }, planReply(VALID_PLAN), { text: 'Plan ready: 2 steps.' });
    const { result } = await chat('deploy the shop');
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    const [, planner, answer] = rig.server.requests;
    expect(planner!.body.stream).toBeFalsy();
    expect(planner!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'plan' } });
    expect(lastUserText(planner!)).toBe('Goal: build and check the shop on port 8080\n\nWorkspace: /srv/shop');
    const toolResult = answer!.body.messages.find((message) => message.role === 'tool');
    expect(JSON.parse(contentText(toolResult!))).toMatchObject({ planId: result.proposal!.planId, steps: ['build: shell {"command":"npm run build"}', expect.stringMatching(/^smoke: http .* \(after build\)$/)] });
  });

  it('propose_plan whose planner call fails: the tool error is the one-line model error (endpoint, status, words), not the SDK\'s', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'deploy the shop' } }] }, { status: 500, error: 'planner down' }, { text: 'The planner failed.' });
    const events: TurnEvent[] = [];
    const model = createChatModel(rig.config);
    await runChatTurn({ model, tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: '', text: 'deploy the shop', maxRetries: 0, onEvent: (event) => events.push(event), describeError: (error) => toModelError(error, rig.config) });
    const failed = events.find((event) => event.type === 'tool-result');
    expect(failed).toMatchObject({ type: 'tool-result', tool: 'propose_plan', isError: true, output: { error: `${rig.server.baseURL} failed with 500: planner down; try again later` } });
    const toolResult = rig.server.requests[2]!.body.messages.find((message) => message.role === 'tool');
    expect(contentText(toolResult!)).toContain(`${rig.server.baseURL} failed with 500: planner down; try again later`);
    expect(contentText(toolResult!)).not.toContain('AI_');
  });

  it('the next turn’s request carries the conversation so far', async () => {
    rig.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'build' } }] }, planReply(VALID_PLAN), { text: 'Plan ready.' });
    const { result } = await chat('deploy');
    rig.server.enqueue({ text: 'It has 2 steps.' });
    await chat('how many steps?');
    const last = rig.server.requests.at(-1)!;
    const history = last.body.messages.map((message) => `${message.role}: ${contentText(message)}`).join('\n');
    expect(history).toContain('user: deploy');
    expect(history).toContain(`[proposed plan ${result.proposal!.planId}: ${JSON.stringify(result.proposal!.plan)}]`);
    expect(history).toContain('assistant: ');
    expect(lastUserText(last)).toBe('how many steps?');
  });

  it('an error frame in the stream (context too long): the turn fails with the server’s words', async () => {
    rig.server.enqueue({ text: 'Let me', streamError: { message: 'the request exceeds the available context size', type: 'exceed_context_size_error', code: 400 } });
    const error = await chat('hi').catch((caught: unknown) => caught);
    expect(toModelError(error, rig.config).message).toBe(`${rig.server.baseURL}: the prompt does not fit the context window of "fake-model" (the request exceeds the available context size); ${CONTEXT_HINT}`);
    // Refused before any text: asked once more with less history; refused again, the turn fails with the server's words.
    const tooLong = { streamError: { message: 'the request exceeds the available context size', type: 'exceed_context_size_error', code: 400 } };
    rig.server.enqueue(tooLong, tooLong);
    const before = rig.server.requests.length;
    const early = await chat('hi').catch((caught: unknown) => caught);
    expect(rig.server.requests.length - before).toBe(2);
    expect(toModelError(early, rig.config).message).toMatch(new RegExp(`^${rig.server.baseURL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the prompt does not fit the context window of "fake-model" \\(400: the request exceeds the available context size\\); give the model a larger context window`));
  });

  it('the timeout applies to each model call, not to the whole turn with its planner calls', async () => {
    rig.server.enqueue(
      { toolCalls: [{ name: 'propose_plan', arguments: { goal: 'build' } }] },
      { ...planReply(CYCLIC_PLAN), delayMs: 1_200 },
      { ...planReply(VALID_PLAN), delayMs: 1_200 },
      { text: 'Plan ready.' },
    );
    const { result } = await chat('deploy', undefined, 1_500);
    expect(result.aborted).toBe(false);
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(result.text).toBe('Plan ready.');
  });

  it('401 on the chat request: the turn fails with the mapped one-line error', async () => {
    rig.server.setFallback({ status: 401, error: 'invalid api key' });
    const error = await chat('hi').catch((caught: unknown) => caught);
    expect(toModelError(error, rig.config).message).toBe(`${rig.server.baseURL} refused the API key (401: invalid api key); check OPENAI_API_KEY`);
  });
});

describe('reflection over HTTP', () => {
  it('on a failed run: the request holds every step and the failed step’s log; the answer is stored as is', async () => {
    const { runs, state } = await recordRun(rig.home, '20260101-130000-abc', { failStep: 'build' });
    const plan = PlanSchema.parse(FAILING_PLAN);
    const logTails = { build: await readLogTail(runs.logDir(state.runId), 'build', 20) };
    const answer = { success: false, summary: 'The TypeScript build failed.', issues: ['src/app.ts(3,7): error TS2322'], suggestions: ['fix the type error, then retry build'] };
    rig.server.enqueue({ text: `\`\`\`json\n${json(answer)}\n\`\`\`` });
    const result = await reflectOnRun({ plan, state, logTails }, { model: createChatModel(rig.config), maxRetries: 0 });
    expect(result).toEqual({ reflection: answer, fallback: false });
    const [request] = rig.server.requests;
    expect(request!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'reflection' } });
    expect(lastUserText(request!)).toBe(describeOutcome({ plan, state, logTails }));
    expect(lastUserText(request!)).toContain('- build [shell]: failed, 1 attempt(s), error: command exited with code 2');
    expect(lastUserText(request!)).toContain('[stderr] src/app.ts(3,7): error TS2322');
  });

  it('the endpoint fails: the deterministic reflection, flagged as a fallback', async () => {
    const { state } = await recordRun(rig.home, '20260101-130000-abc', { failStep: 'build' });
    rig.server.setFallback({ status: 500, error: 'boom' });
    const result = await reflectOnRun({ plan: PlanSchema.parse(FAILING_PLAN), state, logTails: {} }, { model: createChatModel(rig.config), maxRetries: 0 });
    expect(result.fallback).toBe(true);
    expect(result.reflection).toEqual({
      success: false,
      summary: 'The run failed at build.',
      issues: [`build failed after 1 attempt: ${BUILD_ERROR}`],
      suggestions: ['retry just the failed step (build)'],
    });
  });
});
