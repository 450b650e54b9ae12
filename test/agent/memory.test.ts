import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { buildContext, DEFAULT_CONTEXT_TOKENS, estimateTokens } from '../../src/agent/index.js';
import type { Message, NewMessage } from '../../src/store/index.js';
import { parsed, VALID_PLAN } from '../helpers/agent-fixtures.js';

// The conversation as the model sees it: every stored kind turned into a
// message, roles alternating, trimmed to a token budget with a digest of
// what fell out.

let seq = 0;
const m = (message: NewMessage): Message => ({ ...message, id: `m${++seq}`, ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString() }) as Message;
const text = (message: ModelMessage) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content));
const tokensOf = (messages: ModelMessage[]) => messages.reduce((n, message) => n + estimateTokens(text(message)), 0);

describe('estimateTokens', () => {
  it('about four characters a token, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });
});

describe('buildContext: what each stored message becomes', () => {
  const plan = parsed(VALID_PLAN);

  it('user and assistant text; tool calls and empty answers are left out', () => {
    const out = buildContext([m({ kind: 'user', text: 'hello' }), m({ kind: 'tool_call', toolCallId: 'c1', tool: 'list_runs', input: {} }), m({ kind: 'assistant', text: '   ' }), m({ kind: 'assistant', text: 'hi!' })]);
    expect(out).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi!' },
    ]);
  });

  it('tool results in brackets, failures marked, long ones cut at 1500 characters', () => {
    const [one] = buildContext([m({ kind: 'user', text: 'q' }), m({ kind: 'tool_result', toolCallId: 'c1', tool: 'get_run_status', output: { status: 'failed' } })]).slice(1);
    expect(one).toEqual({ role: 'assistant', content: '[get_run_status returned: {"status":"failed"}]' });
    const [failed] = buildContext([m({ kind: 'user', text: 'q' }), m({ kind: 'tool_result', toolCallId: 'c2', tool: 'cancel_run', output: { error: 'no run' }, isError: true })]).slice(1);
    expect(failed).toEqual({ role: 'assistant', content: '[cancel_run failed: {"error":"no run"}]' });
    const [long] = buildContext([m({ kind: 'user', text: 'q' }), m({ kind: 'tool_result', toolCallId: 'c3', tool: 'get_step_error', output: { log: 'x'.repeat(5000) } })]).slice(1);
    expect(text(long!).length).toBeLessThan(1600);
    expect(text(long!)).toMatch(/x…\]$/);
  });

  it('the latest plan in full (with its changes), earlier plans as a one-line reminder', () => {
    const out = buildContext([
      m({ kind: 'user', text: 'deploy' }),
      m({ kind: 'plan', planId: 'p1', plan }),
      m({ kind: 'user', text: 'skip the smoke test' }),
      m({ kind: 'plan', planId: 'p2', plan, changes: '- smoke (removed)\n~ build: args.command', revises: 'p1' }),
    ]);
    expect(out[1]).toEqual({ role: 'assistant', content: '[earlier plan p1: "Build and check the app", 2 steps]' });
    expect(text(out[3]!)).toBe(`[proposed plan p2 (revised: - smoke (removed); ~ build: args.command): ${JSON.stringify(plan)}]`);
  });

  it('the latest plan reaches the model with its secret inputs as ***, even as an older ksa stored it (in clear)', () => {
    const withSecret = { ...plan, inputs: { dbPassword: 'hunter2SECRETzz', port: '8080' } };
    const out = buildContext([m({ kind: 'user', text: 'deploy' }), m({ kind: 'plan', planId: 'p1', plan: withSecret }), m({ kind: 'user', text: 'use port 9090' })]);
    expect(text(out[1]!)).not.toContain('hunter2SECRETzz');
    expect(text(out[1]!)).toBe(`[proposed plan p1: ${JSON.stringify({ ...withSecret, inputs: { dbPassword: '***', port: '8080' } })}]`);
  });

  it('approvals are the user speaking; runs and reflections are the assistant', () => {
    const out = buildContext([
      m({ kind: 'plan', planId: 'p1', plan }),
      m({ kind: 'approval', planId: 'p1', decision: 'approved', runId: 'r1' }),
      m({ kind: 'run', runId: 'r1', status: 'failed' }),
      m({ kind: 'reflection', runId: 'r1', reflection: { success: false, summary: 'The run failed at build.', issues: ['build failed: exit 2', 'no cache'], suggestions: ['retry build'] } }),
      m({ kind: 'approval', planId: 'p1', decision: 'rejected' }),
      m({ kind: 'summary', text: 'the user deployed twice', covers: 10 }),
    ]);
    expect(out.map((message) => message.role)).toEqual(['assistant', 'user', 'assistant', 'user']);
    expect(text(out[1]!)).toBe('[approved plan p1; started run r1]');
    expect(text(out[2]!)).toBe('[run r1: failed]\n\n[reflection on run r1: The run failed at build. Issues: build failed: exit 2; no cache. Suggestions: retry build.]');
    expect(text(out[3]!)).toBe('[rejected plan p1]\n\n[summary of the earlier conversation: the user deployed twice]');
  });

  it('roles alternate: consecutive messages of one role are joined', () => {
    const out = buildContext([
      m({ kind: 'user', text: 'a' }),
      m({ kind: 'user', text: 'b' }),
      m({ kind: 'tool_result', toolCallId: 'c', tool: 'list_runs', output: [] }),
      m({ kind: 'assistant', text: 'none yet' }),
      m({ kind: 'user', text: 'c' }),
    ]);
    expect(out).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: '[list_runs returned: []]\n\nnone yet' },
      { role: 'user', content: 'c' },
    ]);
  });
});

describe('buildContext: the token budget', () => {
  const long = (n: number) => [
    ...Array.from({ length: n }, (_, i) => [
      m({ kind: 'user', text: `question ${i} ${'q'.repeat(390)}` }),
      m({ kind: 'assistant', text: `answer ${i} ${'a'.repeat(390)}` }),
    ]).flat(),
  ];

  it('keeps the newest messages that fit, and puts a digest of the rest first', () => {
    const messages = [...long(50), m({ kind: 'run', runId: 'r-old', status: 'succeeded' }), ...long(50)];
    const out = buildContext(messages, 2_000);
    expect(tokensOf(out)).toBeLessThanOrEqual(2_000 + 200);
    expect(text(out.at(-1)!)).toContain('answer 49');
    expect(text(out[0]!)).toMatch(/^\[\d+ earlier messages left out to save space\. The user asked: /);
    // The digest names the last few things the user asked among the dropped ones.
    expect(text(out[0]!)).toContain('"question');
    expect(out[0]!.role).toBe('user');
    for (let i = 1; i < out.length; i++) expect(out[i]!.role).not.toBe(out[i - 1]!.role);
  });

  it('a run that fell out of the budget is still named in the digest', () => {
    const messages = [m({ kind: 'user', text: 'deploy' }), m({ kind: 'run', runId: 'r-123', status: 'failed' }), ...long(40)];
    const out = buildContext(messages, 1_000);
    expect(text(out[0]!)).toContain('Runs: r-123 failed.');
    // Only the last five questions that fell out are named.
    expect(text(out[0]!).match(/"question \d+/g)).toHaveLength(5);
    expect(text(out[0]!)).not.toContain('"deploy"');
  });

  it('the default budget keeps a short conversation whole', () => {
    const messages = long(3);
    expect(buildContext(messages)).toHaveLength(6);
    expect(DEFAULT_CONTEXT_TOKENS).toBe(6_000);
  });

  it('the newest message is kept even when it alone is over the budget', () => {
    const out = buildContext([m({ kind: 'user', text: 'old' }), m({ kind: 'user', text: 'x'.repeat(10_000) })], 100);
    expect(out).toHaveLength(1);
    expect(text(out[0]!)).toMatch(/^\[1 earlier messages left out.*\]\n\nx+$/s);
  });

  it('the digest keeps the plans and reflections that fell out', () => {
    const messages = [
      m({ kind: 'user', text: 'deploy' }),
      m({ kind: 'plan', planId: 'p1', plan: parsed(VALID_PLAN) }),
      m({ kind: 'run', runId: 'r-9', status: 'failed' }),
      m({ kind: 'reflection', runId: 'r-9', reflection: { success: false, summary: 'Port 8080 was taken.', issues: [], suggestions: ['use port 9090'] } }),
      ...long(40),
    ];
    const digest = text(buildContext(messages, 1_000)[0]!);
    expect(digest).toContain('Port 8080 was taken');
    expect(digest).toContain('Build and check the app');
  });
});
