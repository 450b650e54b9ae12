import { describe, expect, it } from 'vitest';
import { agentCliFor, singleFailureLine } from '../helpers/agent-cli.js';
import { describeResult, nonEmptyLines } from '../helpers/cli.js';
import { planReply, type RecordedRequest } from '../helpers/fake-openai-server.js';

// `ksa ask` when the model calls one of ksa's functions with arguments its schema refuses:
// one plain line per wrong call (the function and what is wrong, not the SDK's error dump),
// the model told the same words so it can call again, and a turn that ends without any
// answer is a model failure (exit 1), as an empty answer is.

const WRONG_CALL = { toolCalls: [{ name: 'propose_plan', arguments: { plan: { goal: 'x' } } }] };
const LINE = '· the model called propose_plan with invalid arguments: goal: is required (string)';
const PLAN = { goal: 'Say hello', steps: [{ id: 'hello', tool: 'shell', args: { command: 'echo hello' } }] };
const toolMessages = (request: RecordedRequest) => request.body.messages.filter((message) => message.role === 'tool').map((message) => JSON.stringify(message.content));

describe.concurrent('ksa ask: a function called with invalid arguments', () => {
  it('the model never gets it right: one line per call, then exit 1 saying the turn gave no answer', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback(WRONG_CALL);
    const result = await cli.ksa(['ask', 'deploy hello']);
    expect(result.code, describeResult(result)).toBe(1);
    const failures = nonEmptyLines(result.stderr).filter((line) => line.includes('invalid arguments') && !line.startsWith('ksa:'));
    expect(failures).toEqual(Array(6).fill(LINE));
    expect(singleFailureLine(result)).toBe(
      'ksa: the model gave no answer after a failed call — the model called propose_plan with invalid arguments: goal: is required (string); ask again, or check the model with: ksa model check',
    );
    expect(result.stderr).not.toMatch(/AI_|Error message|invalid_type/);
    // What the model reads about its wrong call: the same words, and what to do.
    const told = toolMessages(cli.server.requests[1]!);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('the model called propose_plan with invalid arguments: goal: is required (string). Call propose_plan again');
    expect(told[0]).not.toMatch(/AI_|Error message/);
  });

  it('--json: exit 1 too, the one line on stderr and the same words as one document on stdout', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback(WRONG_CALL);
    const result = await cli.ksa(['ask', '--json', 'deploy hello']);
    expect(result.code, describeResult(result)).toBe(1);
    const line = singleFailureLine(result);
    expect(line).toMatch(/^ksa: the model gave no answer after a failed call — the model called propose_plan with invalid arguments: goal: is required/);
    expect(JSON.parse(result.stdout)).toEqual({ error: line.slice('ksa: '.length) });
  });

  it('the model calls again correctly: the one line, then the plan and its answer, exit 0', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(WRONG_CALL, { toolCalls: [{ name: 'propose_plan', arguments: { goal: 'say hello' } }] }, planReply(PLAN), { text: 'Here is the plan.' });
    const result = await cli.ksa(['ask', 'say hello']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(nonEmptyLines(result.stderr).filter((line) => line.includes('invalid arguments'))).toEqual([LINE]);
    expect(result.stdout).toContain('Here is the plan.');
    expect(result.stdout).toContain('Plan: Say hello');
  });

  it('a function that does not exist: the model is told to use one of its functions, not to call that one again', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ toolCalls: [{ name: 'run_shell', arguments: { cmd: 'ls' } }] }, { text: 'I can plan that instead.' });
    const result = await cli.ksa(['ask', 'list files']);
    expect(result.code, describeResult(result)).toBe(0);
    const told = toolMessages(cli.server.requests[1]!);
    expect(told[0]).toContain('the model called run_shell, which is not one of its functions (its functions: ');
    expect(told[0]).toContain('Use one of those functions instead, or answer in words.');
    expect(told[0]).not.toContain('Call run_shell again');
  });
});
