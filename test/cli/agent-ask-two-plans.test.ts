import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply, type RecordedRequest } from '../helpers/fake-openai-server.js';

// A model that proposes two plans at once (two propose_plan calls in one answer): the user would
// see whichever finished last, and --yes would run it. One is made; the other call is told to wait.

const toolMessages = (request: RecordedRequest) => request.body.messages.filter((message) => message.role === 'tool').map((message) => JSON.stringify(message.content));
const plan = (text: string) => ({ goal: `Write ${text}`, steps: [{ id: 'write', tool: 'shell', args: { command: `echo ${text} >> two.txt` } }] });

describe('ksa ask: two plans proposed in one answer', () => {
  it('one is made, shown and run with --yes; the other call is told one plan at a time', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(
      { toolCalls: [{ name: 'propose_plan', arguments: { goal: 'write A' } }, { name: 'propose_plan', arguments: { goal: 'write B' } }] },
      planReply(plan('AAA')),
      { text: 'One plan.' },
      { text: JSON.stringify({ success: true, summary: 'Wrote it.', issues: [], suggestions: [] }) },
    );
    const result = await cli.ksa(['ask', '--yes', 'do it']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'two.txt'), 'utf8')).toBe('AAA\n');
    expect(result.stdout.match(/Plan: /g)).toHaveLength(1);
    const told = toolMessages(cli.server.requests[2]!).join('\n');
    expect(told).toContain('propose_plan is making a plan already in this answer: one plan at a time');
    // The planner was asked once.
    expect(cli.server.requests.filter((request) => request.body.response_format !== undefined && JSON.stringify(request.body.response_format).includes('"plan"'))).toHaveLength(1);
  });
});
