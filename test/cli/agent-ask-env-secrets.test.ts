import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';

// The model may repeat a secret of the environment it was given (a tool read it): ksa ask shows it as *** as the card does.

const SECRET = 'hunter2pass9';
const PLAN = { goal: `Rotate to ${SECRET}`, steps: [{ id: 'rotate', tool: 'shell', args: { command: `echo ${SECRET} > /dev/null` } }] };

describe('ksa ask and the secrets of the environment', () => {
  it('hides them in the tool calls it prints, the answer, and the --json document', async (context) => {
    const cli = await agentCliFor(context);
    const env = { DB_PASSWORD: SECRET };
    cli.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: `rotate to ${SECRET}` } }] }, planReply(PLAN), { text: `Here is a plan that sets the password to ${SECRET} for you.` });
    const shown = await cli.ksa(['ask', 'rotate the password'], { env });
    expect(shown.code, describeResult(shown)).toBe(0);
    expect(shown.stderr).toContain('· propose_plan {"goal":"rotate to ***"}');
    expect(shown.stdout).toContain('sets the password to *** for you.');
    expect(shown.stdout + shown.stderr).not.toContain(SECRET);

    cli.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: `rotate to ${SECRET}` } }] }, planReply(PLAN), { text: `The password is ${SECRET}.` });
    const json = await cli.ksa(['ask', '--json', 'rotate the password'], { env });
    expect(json.code, describeResult(json)).toBe(0);
    const document = JSON.parse(json.stdout) as { text: string; plan: { plan: { goal: string; steps: { args: { command: string } }[] } } };
    expect(document.text).toBe('The password is ***.');
    expect(document.plan.plan.goal).toBe('Rotate to ***');
    expect(document.plan.plan.steps[0]!.args.command).toBe('echo *** > /dev/null');
    expect(json.stdout + json.stderr).not.toContain(SECRET);
  });
});
