import { describe, expect, it } from 'vitest';
import { agentCliFor, singleFailureLine } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';

// A turn whose model call stopped at the model's output limit (finish reason "length") before a word of answer:
// the user is told the answer was cut off and which limit to raise, not that the model "said nothing".

const LIMIT_HINT = "raise the model's max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off, then ask again";

describe.concurrent('ksa ask: an answer cut off at the output limit before any word', () => {
  it('a look-up, then an answer cut off while reasoning: exit 1, one line saying it was cut off and what to raise', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }] }, { text: '', reasoning: { field: 'reasoning_content', text: 'Let me count the runs one by one' }, finishReason: 'length' });
    const result = await cli.ksa(['ask', 'which runs were there?']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: it called list_runs, then its answer was cut off at the model's output token limit (finish reason "length"); ${LIMIT_HINT}`);
    expect(cli.server.requests).toHaveLength(2);
  });

  it('the look-up call itself cut off at the limit: the same words, and the model is not asked again', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ toolCalls: [{ name: 'list_runs', arguments: {} }], finishReason: 'length' });
    const result = await cli.ksa(['ask', 'which runs were there?']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: it called list_runs, then its answer was cut off at the model's output token limit (finish reason "length"); ${LIMIT_HINT}`);
    expect(cli.server.requests).toHaveLength(1);
  });

  it('no call and no text, only reasoning cut at the limit: said as cut off, not as an empty completion', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: '', reasoning: { field: 'reasoning_content', text: 'First I should think about' }, finishReason: 'length' });
    const result = await cli.ksa(['ask', 'hello']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: it was cut off at the model's output token limit (finish reason "length") while it was still reasoning, before any answer; ${LIMIT_HINT}`);
  });
});

describe.concurrent('ksa ask: a function call cut off at the output limit mid-arguments', () => {
  it('propose_plan cut off in its arguments: exit 1, one line saying it was cut off, and the model is not asked again', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: '{"goal":"deploy","steps":[{"id":"a","tool":"sh' }], finishReason: 'length' });
    const result = await cli.ksa(['ask', 'deploy the shop']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: its call of propose_plan was cut off at the model's output token limit (finish reason "length") before its arguments were complete; ${LIMIT_HINT}`);
    expect(result.stderr, describeResult(result)).not.toContain('not valid JSON');
    expect(cli.server.requests).toHaveLength(1);
  });

  it('text, then propose_plan cut off in its arguments: the text, exit 0, and stderr names the cut call and the limit to raise, not "go on"', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'Here is a plan for the shop.', toolCalls: [{ name: 'propose_plan', arguments: '{"goal":"deploy","steps":[{"id":"a","tool":"sh' }], finishReason: 'length' });
    const result = await cli.ksa(['ask', 'deploy the shop']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('Here is a plan for the shop.\n');
    expect(result.stderr).toContain(`The model's call of propose_plan was cut off at the model's output token limit (finish reason "length") before its arguments were complete, so it was not made; ${LIMIT_HINT}.\n`);
    expect(result.stderr).not.toContain('go on');
    expect(cli.server.requests).toHaveLength(1);
  });

  it('a call of a look-up cut off in its arguments: the same words naming it, one request', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ toolCalls: [{ name: 'get_run_status', arguments: '{"runId":"r-' }], finishReason: 'length' });
    const result = await cli.ksa(['ask', 'how is my run?']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: its call of get_run_status was cut off at the model's output token limit (finish reason "length") before its arguments were complete; ${LIMIT_HINT}`);
    expect(cli.server.requests).toHaveLength(1);
  });
});

describe.concurrent('ksa ask: a call written as text (a server that ignores tools) cut off at the output limit', () => {
  it('text, then <tool_call> of propose_plan cut mid-arguments: the text alone, exit 0, stderr names the cut call, not "go on"; tools stay on', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: 'I will plan the deploy.\n<tool_call>{"name":"propose_plan","arguments":{"goal":"deploy","steps":[{"id":"a","tool":"sh', finishReason: 'length', chunkSize: 5 });
    const result = await cli.ksa(['ask', 'deploy the shop']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout.trimEnd()).toBe('I will plan the deploy.');
    expect(result.stderr).toContain(`The model's call of propose_plan was cut off at the model's output token limit (finish reason "length") before its arguments were complete, so it was not made; ${LIMIT_HINT}.\n`);
    expect(result.stderr).not.toContain('go on');
    expect(result.stderr).not.toContain('cannot call tools');
    expect(result.stdout + result.stderr).not.toContain('"arguments"');
    expect(cli.server.requests).toHaveLength(1);
  });

  it('only a call written in a fence, cut mid-arguments: exit 1, one line naming it, the model not asked again', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: '```json\n{"name": "get_run_status", "arguments": {"runId": "r-', finishReason: 'length' });
    const result = await cli.ksa(['ask', 'how is my run?']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe(`ksa: the model gave no answer: its call of get_run_status was cut off at the model's output token limit (finish reason "length") before its arguments were complete; ${LIMIT_HINT}`);
    expect(cli.server.requests).toHaveLength(1);
  });
});
