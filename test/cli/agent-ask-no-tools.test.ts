import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult, stackTraceLines } from '../helpers/cli.js';
import { offeredTools, planReply, requestText } from '../helpers/fake-openai-server.js';

// `ksa ask` against servers without tool calling and with reasoning models,
// end to end: the real binary, a fake OpenAI-compatible server, a real run.

const MARKER_PLAN = {
  goal: 'Write a marker file',
  steps: [
    { id: 'write', tool: 'shell', args: { command: 'echo no-tools > marker.txt' } },
    { id: 'check', tool: 'shell', args: { command: 'cat marker.txt' }, dependsOn: ['write'] },
  ],
};
const REFLECTION = { success: true, summary: 'The marker file was written.', issues: [], suggestions: [] };
const OLLAMA_NO_TOOLS = { status: 400, error: { message: 'registry.ollama.ai/library/gemma3:4b does not support tools', type: 'api_error' } };

describe.concurrent('ksa ask without tool calling', () => {
  it('Ollama 400 "does not support tools" → the switch is said once → a routed plan → --yes runs it → reflection', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(OLLAMA_NO_TOOLS, { text: JSON.stringify({ action: 'propose', goal: 'write a marker file' }) }, planReply(MARKER_PLAN), { text: JSON.stringify(REFLECTION) });
    const result = await cli.ksa(['ask', '--yes', 'write a marker file please']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'marker.txt'), 'utf8')).toBe('no-tools\n');
    expect(result.stderr.split('cannot call tools')).toHaveLength(2);
    expect(result.stderr).toContain('· this model cannot call tools (400: registry.ollama.ai/library/gemma3:4b does not support tools); going on without tools');
    expect(result.stdout).toContain('Here is the plan.');
    expect(result.stdout).toContain('Plan: Write a marker file');
    expect(result.stdout).toContain('✓ Reflection: The marker file was written.');
    expect(stackTraceLines(result.stderr + result.stdout)).toEqual([]);
    const [refused, routed] = cli.server.requests;
    expect(offeredTools(refused!)).toContain('propose_plan');
    expect(routed!.body.tools).toBeUndefined();
    expect(routed!.body.response_format).toMatchObject({ json_schema: { name: 'route' } });
  });

  it('without --yes the routed plan is printed, not run; a status question is routed and answered', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(OLLAMA_NO_TOOLS, { text: JSON.stringify({ action: 'propose', goal: 'write a marker file' }) }, planReply(MARKER_PLAN));
    const first = await cli.ksa(['ask', 'write a marker file']);
    expect(first.code, describeResult(first)).toBe(0);
    expect(first.stdout).toContain('Not run.');
    // The refusal is remembered in KSA_HOME: the next ksa offers no tools at all, and says why once.
    cli.server.enqueue({ text: JSON.stringify({ action: 'runs' }) }, { text: 'There are no runs yet.' });
    const before = cli.server.requests.length;
    const second = await cli.ksa(['ask', '--continue', 'which runs were there?']);
    expect(second.code, describeResult(second)).toBe(0);
    expect(second.stdout).toBe('There are no runs yet.\n');
    // In the server's words as it said them then (not a model check that never ran), and how to check again.
    expect(second.stderr).toContain('· this model cannot call tools (400: registry.ollama.ai/library/gemma3:4b does not support tools, remembered from an earlier session); going on without tools:');
    expect(second.stderr).toContain('; after changing the server or the model, ksa model check checks again\n');
    expect(cli.server.requests.slice(before).every((request) => request.body.tools === undefined)).toBe(true);
    expect(requestText(cli.server.requests.at(-1)!)).toContain('[ksa looked this up: list_runs returned {"runs":[],"total":0}]');
  });

  it('a server that refuses tools and then JSON schema too: the tools refusal is what later sessions are told, not the schema one', async (context) => {
    const cli = await agentCliFor(context);
    const noSchema = { status: 400, error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", type: 'invalid_request_error' } };
    cli.server.enqueue(OLLAMA_NO_TOOLS, noSchema, { text: JSON.stringify({ action: 'answer', reply: 'Hello.' }) });
    const first = await cli.ksa(['ask', 'hello']);
    expect(first.code, describeResult(first)).toBe(0);
    cli.server.enqueue({ text: JSON.stringify({ action: 'answer', reply: 'Hi again.' }) });
    const second = await cli.ksa(['ask', '--continue', 'hi']);
    expect(second.code, describeResult(second)).toBe(0);
    expect(second.stderr).toContain('· this model cannot call tools (400: registry.ollama.ai/library/gemma3:4b does not support tools, remembered from an earlier session)');
  });

  it('a plan the model cannot get right: the problem is said, on stdout and on stderr, not cut to "remaining problems:"', async (context) => {
    const cli = await agentCliFor(context);
    const badPlan = { goal: 'Deploy', steps: [{ id: 'a', tool: 'deploy_app', args: {} }] };
    cli.server.enqueue(OLLAMA_NO_TOOLS, { text: JSON.stringify({ action: 'propose', goal: 'deploy' }) }, planReply(badPlan), planReply(badPlan), planReply(badPlan), planReply(badPlan));
    const result = await cli.ksa(['ask', 'deploy it']);
    expect(result.stdout).toContain('I could not make a valid plan: after 4 attempts it still had steps[0].tool: unknown tool "deploy_app"');
    expect(result.stdout).toContain('Say it differently, or give more detail.');
    expect(result.stderr).toContain('· propose_plan failed: the model did not produce a valid plan after 4 attempts; remaining problems:\n    steps[0].tool: unknown tool "deploy_app"');
    expect(result.stderr).not.toContain('{"error"');
  });

  it('a reasoning model: "thinking…" on stderr, the reasoning never on stdout', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: '<think>They greet me; answer briefly.</think>\nHello! What shall I deploy?' });
    const result = await cli.ksa(['ask', 'hi']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('Hello! What shall I deploy?\n');
    expect(result.stderr).toContain('· thinking…');
    expect(result.stderr).not.toContain('answer briefly');
  });
});
