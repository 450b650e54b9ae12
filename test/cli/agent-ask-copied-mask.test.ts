import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';

// The model sees a URL's password or a credential-shaped value as ***; a plan it proposes afresh that copies those
// three stars into an input is refused, not run with them.

const propose = (goal: string) => ({ toolCalls: [{ name: 'propose_plan', arguments: { goal } }] });

describe.concurrent('ksa ask --yes with a plan the model copied *** into', () => {
  it('refuses one with *** as a URL password (exit 2), naming the input; nothing runs', async (context) => {
    const plan = {
      goal: 'migrate the db',
      inputs: { dbUrl: 'postgres://app:***@db/prod' },
      steps: [{ id: 'migrate', tool: 'shell', args: { command: 'echo {{ inputs.dbUrl }} > migrated.txt' } }],
    };
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('migrate the db'), planReply(plan), { text: 'Plan ready.' });
    const asked = await cli.ksa(['ask', '--yes', 'migrate the db']);
    expect(asked.code, describeResult(asked)).toBe(2);
    expect(asked.stderr).toMatch(/ksa: plan \S+: input dbUrl was not kept in the session \(secrets\); give it again in the chat: ksa chat --session \S+, then e/);
    expect(existsSync(path.join(cli.sandbox.dir, 'migrated.txt'))).toBe(false);
  });
});
