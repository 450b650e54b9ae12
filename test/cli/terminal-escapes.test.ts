import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';

// Text from a model, a plan, a command's output or a cloned repository, printed by the line-oriented commands:
// an escape sequence in it (OSC 52 writes the clipboard, OSC 0 the title, CSI 2J clears the screen) is shown,
// never sent to the terminal raw.

const CLIPBOARD = '\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007';
const TITLE = '\u001b]0;PWNED\u0007';
const ESC = '\u001b';

describe.concurrent('escape sequences from models, plans and repositories', () => {
  it("ksa ask: the model's answer, its reflection and a failed call's error are shown with their escapes visible", async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: `Hello.${TITLE} ${CLIPBOARD}\r\nvisible-end` });
    const answer = await cli.ksa(['ask', 'hello']);
    expect(answer.code, describeResult(answer)).toBe(0);
    expect(answer.stdout).not.toContain(ESC);
    expect(answer.stdout).not.toContain('\u0007');
    expect(answer.stdout).toBe('Hello.\\e]0;PWNED\\x07 \\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\nvisible-end\n');

    const plan = { goal: 'say hi', steps: [{ id: 'hi', tool: 'shell', args: { command: 'echo hi' } }] };
    cli.server.enqueue(
      { toolCalls: [{ name: 'propose_plan', arguments: { goal: 'say hi' } }] },
      planReply(plan),
      { text: 'Here it is.' },
      { text: JSON.stringify({ success: true, summary: `All good.${CLIPBOARD}`, issues: [`none${TITLE}`], suggestions: [`\u001b[2Jrelax`] }) },
    );
    const run = await cli.ksa(['ask', '--yes', 'say hi']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stdout).toContain('Reflection: All good.\\e]52;c;');
    expect(run.stdout).toContain('none\\e]0;PWNED\\x07');
    expect(run.stdout).toContain('\\e[2Jrelax');
    expect(run.stdout + run.stderr).not.toContain(ESC);
  });

  it("ksa run: a failed step's error in the summary (its stderr) has its escapes dropped or shown, as in the live lines", async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan(
      'esc.yaml',
      `goal: esc\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "printf 'err\\\\033]0;TITLE\\\\007 \\\\033[2Jgone\\\\n' >&2; exit 3" }\n`,
    );
    const result = await cli.ksa(['run', 'esc.yaml', '--yes']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).toContain('step "a" failed: command exited with code 3: err gone');
  });

  it('ksa validate: an unknown tool whose name carries escapes is named with them visible', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('bad.yaml', `goal: x\nsteps:\n  - id: a\n    tool: "shel\\e]52;c;Y3VybA==\\al"\n    args: { command: "echo" }\n`);
    const result = await cli.ksa(['validate', 'bad.yaml']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr + result.stdout).not.toContain(ESC);
    expect(result.stdout + result.stderr).toContain('unknown tool "shel\\e]52;c;Y3VybA==\\x07l"');
  });

  it("ksa plan: a repository's AGENTS.md linking to a name with escapes is skipped, its target shown with them visible", async (context) => {
    const cli = await agentCliFor(context);
    await symlink(`/nonexistent/${CLIPBOARD}${ESC}[2Jx`, path.join(cli.sandbox.dir, 'AGENTS.md'));
    cli.server.enqueue(planReply({ goal: 'x', steps: [{ id: 'a', tool: 'shell', args: { command: 'echo a' } }] }));
    const result = await cli.ksa(['plan', 'x']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('AGENTS.md is skipped: it is a symbolic link to /nonexistent/\\e]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\e[2Jx');
    expect(result.stderr + result.stdout).not.toContain(ESC);
  });
});
