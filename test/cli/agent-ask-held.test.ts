import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';

// ksa ask --approve write of a plan an ask rule holds: not run, and it says which rule holds which step.

const PLAN = { goal: 'Write a marker file', steps: [{ id: 'write', tool: 'shell', args: { command: 'echo from-ask > marker.txt' } }] };

describe('ksa ask and an ask rule', () => {
  it('--approve write: the plan is not run, and the step the rule holds is named with the rule and its file:line', async (context) => {
    const cli = await agentCliFor(context);
    const policyFile = path.join(cli.sandbox.home, 'policy.yaml');
    await writeFile(policyFile, 'ask:\n  - shell: "echo from-ask*"\n');
    cli.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'write a marker file' } }] }, planReply(PLAN), { text: 'Here is a plan.' });
    const result = await cli.ksa(['ask', '--approve', 'write', 'write a marker file']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain(`  ! write: shell echo from-ask > marker.txt: always asked by ask shell: "echo from-ask*" (${policyFile}:2)\nNot run. `);
    expect(existsSync(path.join(cli.sandbox.dir, 'marker.txt'))).toBe(false);
  });
});
