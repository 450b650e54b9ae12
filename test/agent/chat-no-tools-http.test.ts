import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChatModeState, chatModeFor, createChatModel, runChatTurn, type TurnEvent } from '../../src/agent/index.js';
import { RunStore } from '../../src/store/index.js';
import { parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { BUILD_ERROR, recordRun } from '../helpers/agent-runs.js';
import { useChatHttpRig } from '../helpers/chat-http-rig.js';
import { lastUserText, offeredTools, planReply, requestText, type RecordedRequest } from '../helpers/fake-openai-server.js';

// The chat with a model that has no tool calling, over real HTTP: the server
// refuses tools (as Ollama, vLLM and llama.cpp answer) or ignores them; the
// chat switches for that endpoint + model and routes each message with one
// structured-output call, then calls ksa's own functions.

const rig = useChatHttpRig('ksa-chat-notools-');

const OLLAMA_NO_TOOLS = { status: 400, error: { message: 'registry.ollama.ai/library/gemma3:4b does not support tools', type: 'api_error' } };
const route = (value: Record<string, unknown>) => ({ text: JSON.stringify(value) });
const routeRequest = (request: RecordedRequest | undefined) => request?.body.response_format?.json_schema?.name === 'route';

async function chat(text: string, mode: ChatModeState, runs = new RunStore(rig.home), maxRetries = 0) {
  const events: TurnEvent[] = [];
  const result = await runChatTurn({ model: createChatModel(rig.config), tools, runs, conversation: rig.conversation, context: 'Workspace: /srv/shop', text, maxRetries, chatMode: mode, onEvent: (event) => events.push(event) });
  return { result, events };
}

describe('no tool calling: the server refuses tools', () => {
  it('Ollama 400 "does not support tools": switches, routes, proposes a plan; the next turn asks no tools at all', async () => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    rig.server.enqueue(OLLAMA_NO_TOOLS, route({ action: 'propose', goal: 'build and check the shop on port 8080' }), planReply(VALID_PLAN));
    const { result, events } = await chat('deploy the shop', mode);

    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(result.text).toBe('Here is the plan.');
    expect(mode.info).toEqual({ tools: false, source: 'detected', reason: '400: registry.ollama.ai/library/gemma3:4b does not support tools' });
    const switches = events.filter((event) => event.type === 'mode');
    expect(switches).toEqual([{ type: 'mode', mode: mode.info, announce: true, discarded: false }]);

    const [refused, routed, planner] = rig.server.requests;
    expect(offeredTools(refused!)).toContain('propose_plan');
    expect(routeRequest(routed)).toBe(true);
    expect(routed!.body.tools).toBeUndefined();
    expect(lastUserText(routed!)).toBe('deploy the shop');
    expect(planner!.body.response_format).toMatchObject({ json_schema: { name: 'plan' } });
    expect(lastUserText(planner!)).toBe('Goal: build and check the shop on port 8080\n\nWorkspace: /srv/shop');
    expect((await rig.conversation.messages()).map((message) => message.kind)).toEqual(['user', 'tool_call', 'plan', 'tool_result', 'assistant']);

    // The same mode object: no request with tools any more, and no second announcement.
    rig.server.enqueue(route({ action: 'answer', reply: 'It builds the app, then checks its health.' }));
    const next = await chat('what does it do?', mode);
    expect(next.result.text).toBe('It builds the app, then checks its health.');
    expect(next.events.some((event) => event.type === 'mode')).toBe(false);
    expect(rig.server.requests.slice(3).every((request) => !request.body.tools)).toBe(true);
    expect(requestText(rig.server.requests[3]!)).toContain('A plan is waiting for the user\'s decision: "Build and check the app" (2 steps: build, smoke)');
  });

  it.each([
    ['vLLM without --enable-auto-tool-choice', { status: 400, error: { message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError' } }, /^400: "auto" tool choice requires/],
    ['llama.cpp without --jinja (a 500, not retried)', { status: 500, error: { message: 'tools param requires --jinja flag', type: 'server_error' } }, /^500: tools param requires --jinja flag$/],
    ['Ollama native shape', { status: 400, rawBody: '{"error":"llama3 does not support tools"}' }, /^400: llama3 does not support tools$/],
  ])('%s', async (_name, refusal, reason) => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    rig.server.enqueue(refusal, route({ action: 'answer', reply: 'Hello.' }));
    const { result } = await chat('hi', mode, undefined, 2);
    expect(result.text).toBe('Hello.');
    expect(mode.info.reason).toMatch(reason);
    // One refused request, then the route: a refusal is never retried.
    expect(rig.server.requests).toHaveLength(2);
  });

  it('an error that is not about tools is not a switch', async () => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    rig.server.enqueue({ status: 400, error: 'messages: field required' });
    await expect(chat('hi', mode)).rejects.toThrow();
    expect(mode.tools).toBe(true);
  });

  it('a hint from a capability check: no request with tools at all; said once, on the first turn', async () => {
    const mode = chatModeFor({ baseURL: rig.server.baseURL, model: 'fake-model' }, { tools: false }, new Map());
    rig.server.enqueue(route({ action: 'answer', reply: 'Hello.' }), route({ action: 'answer', reply: 'Again.' }));
    const first = await chat('hi', mode);
    expect(first.events.filter((event) => event.type === 'mode')).toEqual([{ type: 'mode', mode: { tools: false, source: 'hint', reason: 'the model check found no tool calling' }, announce: true, discarded: false }]);
    const second = await chat('hi again', mode);
    expect(second.events.some((event) => event.type === 'mode')).toBe(false);
    expect(rig.server.requests.every((request) => !request.body.tools)).toBe(true);
  });

  it('the process remembers the switch per endpoint + model; a hint starts without tools', () => {
    const registry = new Map<string, ChatModeState>();
    const first = chatModeFor({ baseURL: rig.server.baseURL, model: 'm1' }, undefined, registry);
    first.switchOff('400: m1 does not support tools');
    expect(chatModeFor({ baseURL: rig.server.baseURL, model: 'm1' }, undefined, registry).tools).toBe(false);
    expect(chatModeFor({ baseURL: rig.server.baseURL, model: 'm2' }, undefined, registry).tools).toBe(true);
    const hinted = chatModeFor({ baseURL: rig.server.baseURL, model: 'm3' }, { tools: false }, registry);
    expect(hinted.info).toMatchObject({ tools: false, source: 'hint' });
    expect(hinted.takeAnnouncement()).toBe(true);
    expect(hinted.takeAnnouncement()).toBe(false);
  });
});

describe('no tool calling: the server ignores tools and answers in text', () => {
  it('the model names propose_plan in text: the answer is dropped, the turn is routed, a plan proposed', async () => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    rig.server.enqueue({ text: 'I will call propose_plan with the goal "deploy the shop".' }, route({ action: 'propose', goal: 'deploy the shop' }), planReply(VALID_PLAN));
    const { result, events } = await chat('deploy the shop', mode);
    expect(mode.info.reason).toMatch(/ignored the tools: the model wrote "propose_plan" as text/);
    expect(events.find((event) => event.type === 'mode')).toMatchObject({ announce: true, discarded: true });
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(result.text).toBe('Here is the plan.');
    const stored = await rig.conversation.messages();
    expect(stored.some((message) => message.kind === 'assistant' && message.text.includes('I will call'))).toBe(false);
  });

  it('an ordinary text answer (no tool needed) stays in tools mode', async () => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    rig.server.enqueue({ text: 'Hello! Tell me what to deploy.' });
    const { result } = await chat('hi', mode);
    expect(result.text).toBe('Hello! Tell me what to deploy.');
    expect(mode.tools).toBe(true);
  });
});

describe('no tool calling: every route', () => {
  const noTools = () => {
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    mode.switchOff('400: does not support tools');
    return mode;
  };

  it('status: get_run_status, then an answer streamed from its result', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue(route({ action: 'status' }), { text: 'Run 20260101-120000-abc failed at build.' });
    const { result, events } = await chat("what's the status?", noTools(), runs);
    expect(events.find((event) => event.type === 'tool-call')).toEqual({ type: 'tool-call', tool: 'get_run_status', input: {} });
    expect(result.text).toBe('Run 20260101-120000-abc failed at build.');
    const answer = rig.server.requests[1]!;
    expect(answer.body.stream).toBe(true);
    expect(answer.body.tools).toBeUndefined();
    expect(lastUserText(answer)).toContain('[ksa looked this up: get_run_status returned {"runId":"20260101-120000-abc","goal":"Build and start the shop","status":"failed"');
    // The run's error in the status is what was found, not a failed look-up: shown, stored and told as returned.
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'get_run_status', isError: false });
    expect((await rig.conversation.messages()).find((message) => message.kind === 'tool_result')).not.toHaveProperty('isError');
    rig.server.enqueue(route({ action: 'answer' }), { text: 'You are welcome.' });
    await chat('thanks', noTools(), runs);
    expect(requestText(rig.server.requests[3]!)).toContain('[get_run_status returned: {');
    expect(requestText(rig.server.requests[3]!)).not.toContain('get_run_status failed');
  });

  it.each([
    ['no runs yet', {}, 'there are no runs yet'],
    ['a run id that does not exist', { runId: '1999x' }, 'no run \\"1999x\\"'],
  ])('status with %s: what the look-up found goes to the answer, as a tool\'s error would (not a failed turn)', async (_name, extra, found) => {
    rig.server.enqueue(route({ action: 'status', ...extra }), { text: 'There is no such run yet.' });
    const { result, events } = await chat("what's the status?", noTools(), new RunStore(path.join(rig.home, 'empty-store')));
    expect(events.find((event) => event.type === 'tool-call')).toMatchObject({ type: 'tool-call', tool: 'get_run_status' });
    expect(result.text).toBe('There is no such run yet.');
    expect(lastUserText(rig.server.requests[1]!)).toContain(`[ksa looked this up: get_run_status returned {"error":"${found}`);
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'get_run_status', isError: true });
  });

  it('why did build fail: get_step_error with the step, its error and log tail go to the answer', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue(route({ action: 'status', stepId: 'build' }), { text: 'build failed: `error TS2322`.' });
    const { result, events } = await chat('why did build fail?', noTools(), runs);
    expect(events.find((event) => event.type === 'tool-call')).toEqual({ type: 'tool-call', tool: 'get_step_error', input: { stepId: 'build' } });
    expect(result.text).toBe('build failed: `error TS2322`.');
    const found = lastUserText(rig.server.requests[1]!);
    expect(found).toContain(BUILD_ERROR);
    expect(found).toContain('error TS2322: Type \\"string\\" is not assignable');
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'get_step_error', isError: false });
  });

  it('retry the failed step / roll back: a new plan proposed for approval', async () => {
    rig.server.enqueue(route({ action: 'propose', goal: 'retry step build of run 20260101-120000-abc', reply: 'I will retry build.' }), planReply(VALID_PLAN));
    const { result } = await chat('retry just the failed step', noTools());
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(result.text).toBe('I will retry build.');
    expect(lastUserText(rig.server.requests[1]!)).toContain('Goal: retry step build of run 20260101-120000-abc');
  });

  it('revise: the waiting plan is revised, with what changed', async () => {
    const mode = noTools();
    rig.server.enqueue(route({ action: 'propose', goal: 'build and check' }), planReply(VALID_PLAN));
    const first = await chat('deploy', mode);
    const revised = { ...VALID_PLAN, steps: [VALID_PLAN.steps[0]!, { ...VALID_PLAN.steps[1]!, args: { url: 'http://localhost:9090/health' } }] };
    rig.server.enqueue(route({ action: 'revise', request: 'use port 9090' }), planReply(revised));
    const { result } = await chat('use port 9090', mode);
    expect(result.proposal).toMatchObject({ revises: first.result.proposal!.planId, changes: expect.stringContaining('smoke') });
    expect(result.text).toBe('Here is the revised plan.');
  });

  it('cancel: cancel_run, its result said', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue(route({ action: 'cancel' }));
    const { result } = await chat('stop it', noTools(), runs);
    expect(result.text).toBe('Nothing to cancel: the run already failed.');
  });

  it('cancel of a run this process runs goes to its own canceller', async () => {
    await recordRun(rig.home, '20260101-120000-abc');
    const cancelled: string[] = [];
    rig.server.enqueue(route({ action: 'cancel', runId: '20260101-120000' }));
    const result = await runChatTurn({ model: createChatModel(rig.config), tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: '', text: 'cancel it', maxRetries: 0, chatMode: noTools(), cancelOwnRun: (id) => (cancelled.push(id), true) });
    expect(cancelled).toEqual(['20260101-120000-abc']);
    expect(result.text).toMatch(/^Cancelling: running steps are aborted/);
  });

  it('a route a small model nearly got right ("action": "Deploy") is read as the action it means, not shown as JSON', async () => {
    rig.server.setFallback((request) => (routeRequest(request) || request.body.response_format?.json_schema?.name !== 'plan' ? route({ action: 'Deploy', goal: 'build and check the shop on port 8080' }) : planReply(VALID_PLAN)));
    const { result } = await chat('deploy the shop', noTools());
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(result.text).toBe('Here is the plan.');
  });

  it('JSON that is no route at all is not shown: the answer is asked for in words', async () => {
    rig.server.enqueue(route({ intent: 'unknown' }), { text: 'Which app should I deploy?' });
    const { result } = await chat('hello', noTools());
    expect(result.text).toBe('Which app should I deploy?');
    expect(rig.server.requests.map((request) => routeRequest(request))).toEqual([true, false]);
  });

  it('an answer that is not JSON at all is shown as the reply', async () => {
    // Every request gets prose (a structured-output fallback may ask again in another format).
    rig.server.setFallback({ text: 'Hi! I can deploy things for you.' });
    const { result } = await chat('hello', noTools());
    expect(result.text).toBe('Hi! I can deploy things for you.');
  });
});
