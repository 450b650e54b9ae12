import { extractReasoningMiddleware, wrapLanguageModel, type LanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { ChatModeState, createChatModel, runChatTurn, type TurnEvent } from '../../src/agent/index.js';
import { RunStore } from '../../src/store/index.js';
import { parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { recordRun } from '../helpers/agent-runs.js';
import { useChatHttpRig } from '../helpers/chat-http-rig.js';
import { contentText, planReply, requestText } from '../helpers/fake-openai-server.js';

// Tool calls written as text (the server did not parse them) and reasoning
// written into the answer, over real HTTP and SSE.

const rig = useChatHttpRig('ksa-chat-text-tools-');

async function chat(text: string, options: { runs?: RunStore; model?: LanguageModel; mode?: ChatModeState } = {}) {
  const events: TurnEvent[] = [];
  const mode = options.mode ?? new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
  const result = await runChatTurn({ model: options.model ?? createChatModel(rig.config), tools, runs: options.runs ?? new RunStore(rig.home), conversation: rig.conversation, context: '', text, maxRetries: 0, chatMode: mode, onEvent: (event) => events.push(event) });
  return { result, events, mode };
}

const toolMessages = (index: number) => rig.server.requests[index]!.body.messages.filter((message) => message.role === 'tool');

describe('tool calls written as text', () => {
  it.each([
    ['<tool_call> tags (Hermes, Qwen)', 'Let me look.\n<tool_call>\n{"name": "get_run_status", "arguments": {"runId": "20260101-120000"}}\n</tool_call>', 'Let me look.'],
    ['a bare JSON object', '{"name": "get_run_status", "arguments": {"runId": "20260101-120000"}}', ''],
    ['a fenced json block, arguments as a JSON string', 'Checking:\n```json\n{"name": "get_run_status", "arguments": "{\\"runId\\": \\"20260101-120000\\"}"}\n```', 'Checking:'],
    ["Mistral's [TOOL_CALLS] list", '[TOOL_CALLS] [{"name": "get_run_status", "arguments": {"runId": "20260101-120000"}}]', ''],
    ["Llama 3's <|python_tag|>, parameters for arguments", '<|python_tag|>{"name": "get_run_status", "parameters": {"runId": "20260101-120000"}}<|eom_id|>', ''],
  ])('%s: executed as a tool call, its result goes back, the answer follows', async (_name, written, said) => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc', { failStep: 'build' });
    rig.server.enqueue({ text: written, chunkSize: 4 }, { text: 'Run 20260101-120000-abc failed at build.' });
    const { result, events, mode } = await chat('status?', { runs });
    expect(events.find((event) => event.type === 'tool-call')).toEqual({ type: 'tool-call', tool: 'get_run_status', input: { runId: '20260101-120000' } });
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'get_run_status', isError: false, output: { runId: '20260101-120000-abc', status: 'failed' } });
    expect(result.text).toBe(said ? `${said}\n\nRun 20260101-120000-abc failed at build.` : 'Run 20260101-120000-abc failed at build.');
    // The call text never shows as the answer.
    expect(events.filter((event) => event.type === 'text').map((event) => (event.type === 'text' ? event.text : '')).join('')).not.toContain('get_run_status');
    const [result1] = toolMessages(1);
    expect(JSON.parse(contentText(result1!))).toMatchObject({ runId: '20260101-120000-abc', status: 'failed' });
    expect(mode.tools).toBe(true);
  });

  it('propose_plan written as text proposes a plan that waits for approval; nothing runs', async () => {
    rig.server.enqueue({ text: '<tool_call>{"name":"propose_plan","arguments":{"goal":"build and check"}}</tool_call>' }, planReply(VALID_PLAN), { text: 'Plan ready.' });
    const { result } = await chat('deploy');
    expect(result.proposal?.plan).toEqual(parsed(VALID_PLAN));
    expect(await new RunStore(rig.home).list()).toEqual([]);
  });

  it('an unknown tool name is never executed: the model is told which tools exist', async () => {
    rig.server.enqueue({ text: '<tool_call>{"name": "run_shell", "arguments": {"command": "rm -rf /"}}</tool_call>' }, { text: 'Sorry, I cannot run commands; I can propose a plan.' });
    const { result, events } = await chat('wipe it');
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ tool: 'run_shell', isError: true });
    const [back] = toolMessages(1);
    expect(contentText(back!)).toMatch(/run_shell/);
    expect(contentText(back!)).toMatch(/propose_plan/);
    expect(result.text).toBe('Sorry, I cannot run commands; I can propose a plan.');
  });

  it('JSON that names no tool is just text', async () => {
    rig.server.enqueue({ text: 'The config is:\n```json\n{"port": 8080}\n```' });
    const { result, events } = await chat('show the config');
    expect(result.text).toBe('The config is:\n```json\n{"port": 8080}\n```');
    expect(events.some((event) => event.type === 'tool-call')).toBe(false);
  });
});

describe('reasoning in the chat', () => {
  const reasoningOf = (events: TurnEvent[]) => events.map((event) => (event.type === 'reasoning' ? event.text : '')).join('');
  const answerOf = (events: TurnEvent[]) => events.map((event) => (event.type === 'text' ? event.text : '')).join('');

  it('<think> in the content streams as reasoning, not as the answer; it is not stored nor sent back', async () => {
    rig.server.enqueue({ text: '<think>The user greets me. {"name": "x"} is not a call.</think>\n\nHello! What shall I deploy?', chunkSize: 3 });
    const { result, events } = await chat('hi');
    expect(reasoningOf(events)).toBe('The user greets me. {"name": "x"} is not a call.');
    expect(answerOf(events)).toBe('Hello! What shall I deploy?');
    expect(result.text).toBe('Hello! What shall I deploy?');
    expect(result.reasoning).toBe('The user greets me. {"name": "x"} is not a call.');
    expect(events.some((event) => event.type === 'tool-call')).toBe(false);
    rig.server.enqueue({ text: 'Fine.' });
    await chat('next');
    expect(requestText(rig.server.requests[1]!)).toContain('assistant: Hello! What shall I deploy?');
    expect(requestText(rig.server.requests[1]!)).not.toContain('greets');
  });

  it('an unclosed <thinking> (a truncated answer) is all reasoning, and the turn says the answer was cut off at the token limit', async () => {
    rig.server.enqueue({ text: '<thinking>I should deploy with npm ci and then', finishReason: 'length' });
    const events: TurnEvent[] = [];
    const turn = runChatTurn({ model: createChatModel(rig.config), tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: '', text: 'deploy', maxRetries: 0, onEvent: (event) => events.push(event) });
    await expect(turn).rejects.toThrow(
      'the model gave no answer: it was cut off at the model\'s output token limit (finish reason "length") while it was still reasoning, before any answer; raise the model\'s max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off, then ask again',
    );
    expect(reasoningOf(events)).toBe('I should deploy with npm ci and then');
    expect((await rig.conversation.messages()).map((message) => message.kind)).toEqual(['user']);
  });

  it('an empty completion is an error, not a silent turn', async () => {
    rig.server.enqueue({ text: '' });
    await expect(chat('hello')).rejects.toThrow(/^the model sent an empty answer: no text and no tool call/);
  });

  it('reasoning before a tool call written as text: the call is found, the reasoning is not parsed', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc');
    rig.server.enqueue({ text: '<think>Maybe {"name": "cancel_run"}? No, status.</think><tool_call>{"name":"get_run_status","arguments":{}}</tool_call>' }, { text: 'It succeeded.' });
    const { events } = await chat('status?', { runs });
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([{ type: 'tool-call', tool: 'get_run_status', input: {} }]);
  });

  it('reasoning parts from the provider (reasoning middleware) show as thinking and are not sent back', async () => {
    const model = wrapLanguageModel({ model: createChatModel(rig.config) as Parameters<typeof wrapLanguageModel>[0]['model'], middleware: extractReasoningMiddleware({ tagName: 'think' }) });
    rig.server.enqueue({ text: '<think>Plan: greet.</think>Hi there.' });
    const { result, events } = await chat('hi', { model });
    expect(reasoningOf(events)).toBe('Plan: greet.');
    expect(result.text).toBe('Hi there.');
    rig.server.enqueue({ text: 'Ok.' });
    await chat('and?', { model });
    expect(requestText(rig.server.requests[1]!)).not.toContain('Plan: greet.');
  });
});

describe('streaming around code blocks', () => {
  it('a code block that is no call streams on; a later block that is a call is still found', async () => {
    const { runs } = await recordRun(rig.home, '20260101-120000-abc');
    const answer = 'First:\n```sh\nkubectl get pods\n```\nThen I check the run.\n```json\n{"name": "get_run_status", "arguments": {}}\n```';
    rig.server.enqueue({ text: answer, chunkSize: 3 }, { text: 'It succeeded.' });
    const texts: string[] = [];
    let textsBeforeCall = 0;
    const mode = new ChatModeState({ baseURL: rig.server.baseURL, model: 'fake-model' });
    await runChatTurn({
      model: createChatModel(rig.config),
      tools,
      runs,
      conversation: rig.conversation,
      context: '',
      text: 'status?',
      maxRetries: 0,
      chatMode: mode,
      onEvent: (event) => {
        if (event.type === 'text') texts.push(event.text);
        if (event.type === 'tool-call') textsBeforeCall = texts.length;
      },
    });
    // The sh block arrived as its own piece before the end, not held back with the call.
    expect(texts.slice(0, textsBeforeCall).join('')).toBe('First:\n```sh\nkubectl get pods\n```\nThen I check the run.\n');
    expect(texts.some((text) => text === '```sh\nkubectl get pods\n```')).toBe(true);
    expect(textsBeforeCall).toBeGreaterThan(0);
  });
});
