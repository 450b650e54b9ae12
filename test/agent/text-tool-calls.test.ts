import { describe, expect, it } from 'vitest';
import { parseTextToolCalls, splitThinking, ThinkFilter } from '../../src/agent/index.js';
import { cutTextToolCall } from '../../src/agent/text-tool-calls.js';

const KNOWN = ['propose_plan', 'get_run_status'];

describe('parseTextToolCalls', () => {
  it.each([
    ['tags', '<tool_call>{"name":"get_run_status","arguments":{"runId":"r1"}}</tool_call>'],
    ['tags, unclosed at the end', 'ok <tool_call>{"name":"get_run_status","arguments":{"runId":"r1"}}'],
    ['a bare object', '  {"name":"get_run_status","arguments":{"runId":"r1"}}  '],
    ['a bare object, "parameters"', '{"name":"get_run_status","parameters":{"runId":"r1"}}'],
    ['OpenAI function shape', '{"type":"function","function":{"name":"get_run_status","arguments":"{\\"runId\\":\\"r1\\"}"}}'],
    ['a fenced block', 'Here:\n```json\n{"tool":"get_run_status","args":{"runId":"r1"}}\n```'],
    ['an array in a fence', '```\n[{"name":"get_run_status","arguments":{"runId":"r1"}}]\n```'],
  ])('%s', (_name, text) => {
    const { calls } = parseTextToolCalls(text, KNOWN);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('get_run_status');
    expect(JSON.parse(calls[0]!.input)).toEqual({ runId: 'r1' });
    expect(calls[0]!.known).toBe(true);
  });

  it('several calls in tags, the prose kept', () => {
    const parsed = parseTextToolCalls('Two things.\n<tool_call>{"name":"get_run_status","arguments":{}}</tool_call>\n<tool_call>{"name":"propose_plan","arguments":{"goal":"x"}}</tool_call>', KNOWN);
    expect(parsed.text).toBe('Two things.');
    expect(parsed.calls.map((call) => call.name)).toEqual(['get_run_status', 'propose_plan']);
  });

  it('an unknown name in an explicit call shape is a call (to be refused); JSON without a tool is not', () => {
    expect(parseTextToolCalls('{"name":"rm_rf","arguments":{}}', KNOWN).calls).toEqual([{ name: 'rm_rf', input: '{}', known: false }]);
    expect(parseTextToolCalls('{"name":"shop","port":8080}', KNOWN).calls).toEqual([]);
    expect(parseTextToolCalls('{"goal":"x","steps":[]}', KNOWN).calls).toEqual([]);
    expect(parseTextToolCalls('```json\n{"port": 8080}\n```', KNOWN).calls).toEqual([]);
    expect(parseTextToolCalls('not json {', KNOWN).calls).toEqual([]);
  });

  it('calls inside reasoning are not calls', () => {
    expect(parseTextToolCalls('<think>{"name":"get_run_status","arguments":{}}</think>Nothing to do.', KNOWN)).toEqual({ text: 'Nothing to do.', calls: [] });
  });
});

describe('think text', () => {
  it('splitThinking: blocks, unclosed, a lone closing tag', () => {
    expect(splitThinking('<think>a</think>\n\nanswer')).toEqual({ answer: 'answer', reasoning: 'a' });
    expect(splitThinking('x <thinking>b')).toEqual({ answer: 'x ', reasoning: 'b' });
    expect(splitThinking('reasoning first</think>answer')).toEqual({ answer: 'answer', reasoning: 'reasoning first' });
    expect(splitThinking('plain')).toEqual({ answer: 'plain', reasoning: '' });
  });

  it('ThinkFilter: tags cut between chunks', () => {
    const filter = new ThinkFilter();
    const out = ['<th', 'ink>rea', 'son</thi', 'nk>\nans', 'wer <', 'b>'].map((chunk) => filter.push(chunk));
    out.push(filter.end());
    expect(out.map((part) => part.reasoning).join('')).toBe('reason');
    expect(out.map((part) => part.answer).join('')).toBe('answer <b>');
  });
});

describe('textToolCallMiddleware with generateText', () => {
  it('a call written as text runs the tool; without tools offered the text stays text', async () => {
    const { generateText, isStepCount, tool, wrapLanguageModel } = await import('ai');
    const { MockLanguageModelV4 } = await import('ai/test');
    const { z } = await import('zod');
    const { textToolCallMiddleware } = await import('../../src/agent/index.js');
    const { textAnswer } = await import('../helpers/mock-model.js');
    const answers = ['<tool_call>{"name":"echo","arguments":{"value":"hi"}}</tool_call>', 'Done.'];
    const inner = new MockLanguageModelV4({ doGenerate: async () => textAnswer(answers.shift() ?? 'Done.') });
    const model = wrapLanguageModel({ model: inner, middleware: textToolCallMiddleware() });
    const seen: string[] = [];
    const result = await generateText({
      model,
      prompt: 'say hi',
      tools: { echo: tool({ inputSchema: z.object({ value: z.string() }), execute: async ({ value }) => (seen.push(value), { value }) }) },
      stopWhen: isStepCount(3),
    });
    expect(seen).toEqual(['hi']);
    expect(result.text).toBe('Done.');
    const plain = await generateText({ model: wrapLanguageModel({ model: new MockLanguageModelV4({ doGenerate: async () => textAnswer('{"name":"echo","arguments":{}}') }), middleware: textToolCallMiddleware() }), prompt: 'x' });
    expect(plain.text).toBe('{"name":"echo","arguments":{}}');
  });
});

describe('cutTextToolCall: a call written as text, cut before its JSON ended', () => {
  it.each([
    ['tags', 'Planning.\n<tool_call>{"name":"propose_plan","arguments":{"goal":"de', 'Planning.', 'propose_plan'],
    ['tags, an unknown name', '<tool_call>{"name": "rm_rf", "arguments": {"pa', '', 'rm_rf'],
    ['tags, cut before the name ended', 'So:<tool_call>{"name":"propo', 'So:', 'a function'],
    ['tags, cut right after the tag', 'So: <tool_call>', 'So:', 'a function'],
    ['Mistral marker', '[TOOL_CALLS] [{"name":"get_run_status","arguments":{"runId":"r', '', 'get_run_status'],
    ['Llama 3 marker', '<|python_tag|>{"name": "get_run_status", "parameters": {"ru', '', 'get_run_status'],
    ['a fence naming a known function', 'Here:\n```json\n{"tool":"get_run_status","args":{"runId":"r', 'Here:', 'get_run_status'],
    ['a bare object in the shape of a call', 'Calling.\n{"name":"deploy_now","arguments":{"x', 'Calling.', 'deploy_now'],
    ['OpenAI function shape', '{"type":"function","function":{"name":"propose_plan","arguments":"{\\"goal', '', 'propose_plan'],
    ['reasoning before it', '<think>maybe {"name":"x"}</think>Ok.\n<tool_call>{"name":"propose_plan","arguments":{', 'Ok.', 'propose_plan'],
  ])('%s', (_name, text, said, name) => {
    expect(parseTextToolCalls(text, KNOWN).calls).toEqual([]);
    expect(cutTextToolCall(text, KNOWN)).toEqual({ text: said, name });
  });

  it.each([
    ['prose', 'The steps are: build, then'],
    ['a fence of YAML', 'Here:\n```yaml\ngoal: deploy\nsteps:\n  - id: a'],
    ['JSON that names no function', 'The config:\n```json\n{"replicas": 3, "image": "shop:1'],
    ['JSON with an unknown name and no arguments', 'A pod:\n{"name": "web-1", "status": "Runn'],
    ['a call only in the reasoning', '<think><tool_call>{"name":"propose_plan"</think>The steps are: build, then'],
  ])('%s is not a call', (_name, text) => {
    expect(cutTextToolCall(text, KNOWN)).toBeUndefined();
  });
});

describe('textToolCallMiddleware: a written call cut at the output limit', () => {
  it('dropped and named to onCut, the text before it kept; an answer at the limit with no call, or a call not at the limit, is left as it is', async () => {
    const { generateText, tool, wrapLanguageModel } = await import('ai');
    const { MockLanguageModelV4 } = await import('ai/test');
    const { z } = await import('zod');
    const { textToolCallMiddleware } = await import('../../src/agent/index.js');
    const { textAnswer } = await import('../helpers/mock-model.js');
    const answer = async (text: string, finish: 'length' | 'stop') => {
      const cut: string[] = [];
      const inner = new MockLanguageModelV4({ doGenerate: async () => ({ ...textAnswer(text), finishReason: { unified: finish, raw: finish } }) });
      const model = wrapLanguageModel({ model: inner, middleware: textToolCallMiddleware((name) => cut.push(name)) });
      const result = await generateText({ model, prompt: 'x', tools: { propose_plan: tool({ inputSchema: z.object({ goal: z.string() }) }) } });
      return { text: result.text, cut, calls: result.toolCalls.length };
    };
    const half = '<tool_call>{"name":"propose_plan","arguments":{"goal":"de';
    expect(await answer(`I will plan it.\n${half}`, 'length')).toEqual({ text: 'I will plan it.', cut: ['propose_plan'], calls: 0 });
    expect(await answer('The steps are: build, then', 'length')).toEqual({ text: 'The steps are: build, then', cut: [], calls: 0 });
    expect(await answer(`Shown: ${half}`, 'stop')).toEqual({ text: `Shown: ${half}`, cut: [], calls: 0 });
  });
});
