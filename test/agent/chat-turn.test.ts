import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APICallError } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestProposal, runChatTurn, type ChatTurnOptions, type TurnEvent } from '../../src/agent/index.js';
import { ConversationStore, RunStore, type Conversation } from '../../src/store/index.js';
import { CYCLIC_PLAN, json, parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { lastUserPrompt, promptText, streamingModel } from '../helpers/mock-model.js';

// One chat turn with MockLanguageModelV4: streamed text, agent tool calls,
// proposals stored in the conversation, never a run.

let home: string;
let conversation: Conversation;
let runs: RunStore;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ksa-chat-'));
  runs = new RunStore(home);
  conversation = await new ConversationStore(home).create();
});
afterEach(async () => {
  await conversation.close();
  await rm(home, { recursive: true, force: true });
});

function turn(model: ChatTurnOptions['model'], text: string, extra: Partial<ChatTurnOptions> = {}) {
  const events: TurnEvent[] = [];
  const result = runChatTurn({ model, tools, runs, conversation, context: 'Workspace: /srv/shop', text, maxRetries: 0, onEvent: (event) => events.push(event), ...extra });
  return { result, events };
}

const kinds = async () => (await conversation.messages()).map((message) => message.kind);

describe('runChatTurn', () => {
  it('a plain answer is streamed as text events and stored with the question', async () => {
    const model = streamingModel([{ text: 'Hello! I deploy apps. Tell me what to deploy.' }]);
    const { result, events } = turn(model, 'hi');
    const outcome = await result;
    expect(outcome).toEqual({ text: 'Hello! I deploy apps. Tell me what to deploy.', proposal: undefined, totalTokens: 15, aborted: false });
    expect(events.filter((event) => event.type === 'text').length).toBeGreaterThan(1);
    expect(events.map((event) => (event.type === 'text' ? event.text : '')).join('')).toBe(outcome.text);
    expect(await kinds()).toEqual(['user', 'assistant']);
    // The model is offered every agent tool, with the chat instructions.
    const call = model.doStreamCalls[0]!;
    expect(call.tools?.map((tool) => tool.name).sort()).toEqual(['cancel_run', 'get_run_status', 'get_step_error', 'list_runs', 'propose_plan', 'revise_plan']);
    expect(promptText(call)).toContain('You are KubeStack AI (ksa)');
    expect(lastUserPrompt(call)).toBe('hi');
  });

  it('propose_plan: the planner runs, the plan is stored and returned as the proposal, nothing runs', async () => {
    const model = streamingModel(
      [{ toolCalls: [{ name: 'propose_plan', input: { goal: 'build and check the shop' } }] }, { text: 'Here is the plan; approve it to run.' }],
      [json(CYCLIC_PLAN), json(VALID_PLAN)],
    );
    const { result, events } = turn(model, 'deploy the shop');
    const outcome = await result;
    expect(outcome.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(outcome.proposal?.planId).toMatch(/^p\d+-1$/);
    expect(outcome.text).toBe('Here is the plan; approve it to run.');
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['tool-call', 'repairing', 'plan', 'tool-result']));
    expect(events.find((event) => event.type === 'repairing')).toMatchObject({ attempt: 1, problems: [expect.stringContaining('dependency cycle: a -> b -> a')] });
    expect(await kinds()).toEqual(['user', 'tool_call', 'plan', 'tool_result', 'assistant']);
    // The planner saw the goal and the workspace facts; the model got the outline back.
    expect(lastUserPrompt(model.doGenerateCalls[0]!)).toBe('Goal: build and check the shop\n\nWorkspace: /srv/shop');
    const second = promptText(model.doStreamCalls[1]!);
    expect(second).toContain(`[tool-result propose_plan`);
    expect(second).toContain(outcome.proposal!.planId);
    expect(second).toContain('smoke: http');
    expect(await runs.list()).toEqual([]);
    // Read back, a proposal says what the session kept as *** (here nothing).
    expect(await latestProposal(conversation)).toEqual({ ...outcome.proposal, masked: { steps: [], rollbacks: [], inputs: [] } });
  });

  it('revise_plan changes the plan on the table and says what changed', async () => {
    const first = streamingModel([{ toolCalls: [{ name: 'propose_plan', input: { goal: 'build' } }] }, { text: 'Plan ready.' }], [json(VALID_PLAN)]);
    const proposed = (await turn(first, 'deploy').result).proposal!;
    const revised = { ...VALID_PLAN, steps: [VALID_PLAN.steps[0]] };
    const second = streamingModel([{ toolCalls: [{ name: 'revise_plan', input: { request: 'skip the smoke test' } }] }, { text: 'Done: no smoke test.' }], [json(revised)]);
    const outcome = await turn(second, 'skip the smoke test').result;
    expect(outcome.proposal).toMatchObject({ revises: proposed.planId, changes: '- smoke (removed)' });
    expect(lastUserPrompt(second.doGenerateCalls[0]!)).toContain('Revise it as the user asks: "skip the smoke test"');
    // The history the chat model sees holds the first turn, with the proposed plan in full.
    expect(promptText(second.doStreamCalls[0]!)).toContain(`[proposed plan ${proposed.planId}: {"goal":"Build and check the app"`);
  });

  it('revise_plan with no plan on the table answers with an error the model can act on', async () => {
    const model = streamingModel([{ toolCalls: [{ name: 'revise_plan', input: { request: 'use port 9090' } }] }, { text: 'There is no plan yet.' }]);
    const { result, events } = turn(model, 'use port 9090');
    await result;
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'revise_plan', output: { error: 'there is no plan to revise; call propose_plan with the goal instead' }, isError: false });
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('a planner that fails: the tool error is stored, shown, and sent back to the model', async () => {
    const model = streamingModel([{ toolCalls: [{ name: 'propose_plan', input: { goal: 'x' } }] }, { text: 'I could not make a valid plan.' }], [json(CYCLIC_PLAN)]);
    const { result, events } = turn(model, 'do x', { maxRepairs: 1 });
    const outcome = await result;
    expect(outcome.proposal).toBeUndefined();
    const failed = events.find((event) => event.type === 'tool-result');
    expect(failed).toMatchObject({ tool: 'propose_plan', isError: true, output: { error: expect.stringContaining('did not produce a valid plan after 2 attempts') } });
    const stored = (await conversation.messages()).find((message) => message.kind === 'tool_result');
    expect(stored).toMatchObject({ isError: true });
    expect(promptText(model.doStreamCalls[1]!)).toContain('did not produce a valid plan');
  });

  it('a planner that fails and then not a word from the model: the turn fails, in one line with the problems', async () => {
    const model = streamingModel([{ toolCalls: [{ name: 'propose_plan', input: { goal: 'x' } }] }, { text: '' }], [json(CYCLIC_PLAN)]);
    const { result } = turn(model, 'do x', { maxRepairs: 0 });
    const error = await result.then(() => undefined, (failure: unknown) => failure as Error);
    expect(error?.message).toMatch(/^the model gave no answer after a failed call — propose_plan failed: the model did not produce a valid plan after 1 attempt; remaining problems: steps\[\d\]\.dependsOn: dependency cycle/);
    expect(error?.message).not.toContain('\n');
  });

  it('a second turn sees the first one (memory)', async () => {
    await turn(streamingModel([{ text: 'The shop is in ./shop.' }]), 'where is the shop?').result;
    const model = streamingModel([{ text: 'Yes.' }]);
    await turn(model, 'and the port?').result;
    const prompt = promptText(model.doStreamCalls[0]!);
    expect(prompt).toContain('user: where is the shop?');
    expect(prompt).toContain('assistant: The shop is in ./shop.');
    expect(prompt.indexOf('where is the shop?')).toBeLessThan(prompt.indexOf('and the port?'));
  });

  it('a failed model call rejects the turn; the question is still stored', async () => {
    const unauthorized = new APICallError({ message: 'Incorrect API key', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode: 401, isRetryable: false });
    const model = streamingModel([{}]);
    model.doStream = async () => {
      throw unauthorized;
    };
    await expect(turn(model, 'hi').result).rejects.toBe(unauthorized);
    expect(await kinds()).toEqual(['user']);
  });

  it('the user interrupts (abort signal): the turn ends as aborted, without an error', async () => {
    const controller = new AbortController();
    const model = streamingModel([{ text: 'a long answer that never arrives', delayMs: 5_000 }]);
    const { result } = turn(model, 'hi', { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const outcome = await result;
    expect(outcome.aborted).toBe(true);
    expect(outcome.text).toBe('');
  });

  it('a model that does not answer within timeoutMs fails the turn with a timeout', async () => {
    const model = streamingModel([{ text: 'too late', delayMs: 2_000 }]);
    const error = await turn(model, 'hi', { timeoutMs: 100 }).result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
  });
});

describe('latestProposal', () => {
  it('the newest plan until a decision is recorded', async () => {
    const plan = parsed(VALID_PLAN);
    expect(await latestProposal(conversation)).toBeUndefined();
    conversation.append({ kind: 'plan', planId: 'p1', plan });
    conversation.append({ kind: 'plan', planId: 'p2', plan, changes: '~ goal', revises: 'p1' });
    expect(await latestProposal(conversation)).toEqual({ planId: 'p2', plan, changes: '~ goal', revises: 'p1', masked: { steps: [], rollbacks: [], inputs: [] } });
    conversation.append({ kind: 'approval', planId: 'p2', decision: 'rejected' });
    expect(await latestProposal(conversation)).toBeUndefined();
  });
});
