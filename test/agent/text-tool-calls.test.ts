import { describe, expect, it } from 'vitest';
import { parseTextToolCalls, splitThinking, ThinkFilter } from '../../src/agent/index.js';

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
