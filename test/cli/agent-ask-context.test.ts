import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult, stackTraceLines } from '../helpers/cli.js';

// A chat turn whose prompt does not fit the server's context window is asked
// once more with less of the conversation, and the user is told how to raise it.

const OLLAMA_NO_TOOLS = { status: 400, error: { message: 'registry.ollama.ai/library/gemma3:4b does not support tools', type: 'api_error' } };
const CONTEXT_400 = {
  status: 400,
  error: { message: "This model's maximum context length is 4096 tokens. However, your messages resulted in 9120 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' },
};

describe('ksa ask and a small context window', () => {
  it('a context-length 400 → one retry with a shorter history → the answer; the hint is on stderr', async (context) => {
    const cli = await agentCliFor(context);
    const long = (n: number) => `Answer ${n}: ${'x'.repeat(5000)}`;
    for (const n of [1, 2, 3]) {
      cli.server.enqueue({ text: long(n) });
      const earlier = await cli.ksa(n === 1 ? ['ask', `question ${n}`] : ['ask', '--continue', `question ${n}`]);
      expect(earlier.code, describeResult(earlier)).toBe(0);
    }
    cli.server.enqueue(CONTEXT_400, { text: 'Short answer.' });
    const before = cli.server.requests.length;
    const result = await cli.ksa(['ask', '--continue', 'and now?']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('Short answer.\n');
    expect(result.stderr).toContain("the prompt did not fit the model's context window");
    expect(result.stderr).toContain('OLLAMA_CONTEXT_LENGTH');
    expect(stackTraceLines(result.stderr)).toEqual([]);
    const [refused, retried] = cli.server.requests.slice(before);
    expect(retried).toBeDefined();
    const size = (request: typeof refused) => JSON.stringify(request!.body.messages).length;
    expect(size(retried)).toBeLessThan(size(refused));
    expect(JSON.stringify(retried!.body.messages)).toContain('and now?');
  });
  it('without tool calling too: the routing call that does not fit is asked again with less history, and the answer after the look-up is asked with that history', async (context) => {
    const cli = await agentCliFor(context);
    const long = (n: number) => `Answer ${n}: ${'x'.repeat(5000)}`;
    cli.server.enqueue(OLLAMA_NO_TOOLS, { text: JSON.stringify({ action: 'answer', reply: long(1) }) });
    expect((await cli.ksa(['ask', 'question 1'])).code).toBe(0);
    for (const n of [2, 3]) {
      cli.server.enqueue({ text: JSON.stringify({ action: 'answer', reply: long(n) }) });
      const earlier = await cli.ksa(['ask', '--continue', `question ${n}`]);
      expect(earlier.code, describeResult(earlier)).toBe(0);
    }
    cli.server.enqueue(CONTEXT_400, { text: JSON.stringify({ action: 'runs' }) }, { text: 'There are no runs yet.' });
    const before = cli.server.requests.length;
    const result = await cli.ksa(['ask', '--continue', 'which runs were there?']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('There are no runs yet.\n');
    expect(result.stderr.split("the prompt did not fit the model's context window")).toHaveLength(2);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    const [refused, routed, answer, more] = cli.server.requests.slice(before);
    const size = (request: typeof refused) => JSON.stringify(request!.body.messages).length;
    expect(size(routed)).toBeLessThan(size(refused) / 2);
    expect(JSON.stringify(routed!.body.messages)).toContain('which runs were there?');
    // The answer after the look-up goes out with the smaller history at once.
    expect(answer!.body.response_format).toBeUndefined();
    expect(size(answer)).toBeLessThan(size(refused) / 2);
    expect(more).toBeUndefined();
  });
});
