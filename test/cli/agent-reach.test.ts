import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor, ksaLines, type AgentCli } from '../helpers/agent-cli.js';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { describeResult, stackTraceLines } from '../helpers/cli.js';
import { contentText, lastUserText, planReply, type RecordedRequest } from '../helpers/fake-openai-server.js';
import { createFakeKube } from '../helpers/fake-kube.js';

// Project instructions (AGENTS.md, .ksa/instructions.md) and the kube context, end to
// end: the real binary, a fake model server, a stand-in kubectl on PATH.

const K8S_PLAN = {
  goal: 'Deploy web to the cluster',
  steps: [
    { id: 'apply', tool: 'k8s_apply', args: { manifests: 'k8s/', record: 'deployment/web' }, rollback: { tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: '{{ steps.apply.output.previousRevision }}' } } },
    { id: 'rollout', tool: 'k8s_rollout_status', args: { resource: 'deployment/web' }, dependsOn: ['apply'] },
  ],
};

const systemText = (request: RecordedRequest) => request.body.messages.filter((message) => message.role === 'system').map(contentText).join('\n');

async function withKube(cli: AgentCli, context = 'kind-dev', namespace = 'shop'): Promise<Record<string, string>> {
  const kube = await createFakeKube(path.join(cli.sandbox.dir, '..', 'fake-kube'), { context, namespace });
  return { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` };
}

describe.concurrent('project instructions', () => {
  it('AGENTS.md and .ksa/instructions.md reach the planner, in that order', async (context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.dir, 'AGENTS.md'), '# Shop\nOur prod context is prod-eu. Never touch namespace billing.\n');
    await mkdir(path.join(cli.sandbox.dir, '.ksa'));
    await writeFile(path.join(cli.sandbox.dir, '.ksa/instructions.md'), 'Use pnpm, never npm.\n');
    cli.server.enqueue(planReply({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'pnpm test' } }] }));
    const result = await cli.ksa(['plan', 'test it']);
    expect(result.code, describeResult(result)).toBe(0);
    const text = lastUserText(cli.server.requests[0]!);
    expect(text).toContain('Project instructions, written by the user for agents working in this workspace (AGENTS.md, .ksa/instructions.md). Follow them');
    expect(text).toContain('--- AGENTS.md ---\n# Shop\nOur prod context is prod-eu. Never touch namespace billing.\n--- .ksa/instructions.md ---\nUse pnpm, never npm.');
  });

  it('a long AGENTS.md is cut at a line end, with a note saying so to the model and on stderr', async (context) => {
    const cli = await agentCliFor(context);
    const line = 'Rule: deploy with care and check the health endpoint after every change.\n';
    await writeFile(path.join(cli.sandbox.dir, 'AGENTS.md'), line.repeat(400));
    cli.server.enqueue(planReply({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] }));
    const result = await cli.ksa(['plan', 'x']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(ksaLines(result.stderr)).toEqual([expect.stringMatching(/^ksa: warning: AGENTS\.md is cut at a line end: the model is given \d+ of its 29199 characters \(project instructions may be 12000 characters together\)$/)]);
    const text = lastUserText(cli.server.requests[0]!);
    const kept = text.split('--- AGENTS.md ---\n')[1]!.split('\n[AGENTS.md was cut here')[0]!;
    expect(kept.length).toBeLessThanOrEqual(12_000);
    expect(kept.endsWith('after every change.')).toBe(true);
    expect(text).toMatch(/\[AGENTS\.md was cut here: \d+ of its 29199 characters are shown\]/);
  });

  it('a long AGENTS.md leaves a short .ksa/instructions.md whole; AGENTS.md is cut at a line end and stderr says how much is given', async (context) => {
    const cli = await agentCliFor(context);
    const agents = Array.from({ length: 400 }, (_, i) => `general rule ${i}: prefer small commits and clear names\n`).join('');
    await writeFile(path.join(cli.sandbox.dir, 'AGENTS.md'), agents);
    await mkdir(path.join(cli.sandbox.dir, '.ksa'));
    await writeFile(path.join(cli.sandbox.dir, '.ksa/instructions.md'), 'KSA-ONLY: never deploy to prod-eu\n');
    cli.server.enqueue(planReply({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] }));
    const result = await cli.ksa(['plan', 'deploy']);
    expect(result.code, describeResult(result)).toBe(0);
    const text = lastUserText(cli.server.requests[0]!);
    expect(text).toContain('--- .ksa/instructions.md ---\nKSA-ONLY: never deploy to prod-eu');
    const kept = text.split('--- AGENTS.md ---\n')[1]!.split('\n[AGENTS.md was cut here')[0]!;
    expect(agents.startsWith(`${kept}\n`)).toBe(true);
    expect(text).toContain(`[AGENTS.md was cut here: ${kept.length} of its 21889 characters are shown]`);
    expect(ksaLines(result.stderr)).toEqual([`ksa: warning: AGENTS.md is cut at a line end: the model is given ${kept.length} of its 21889 characters (project instructions may be 12000 characters together)`]);
  });

  it('the chat model gets them too (ksa ask)', async (context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.dir, 'AGENTS.md'), 'Never touch namespace billing.\n');
    cli.server.enqueue({ text: 'Noted.' });
    expect((await cli.ksa(['ask', 'hello'])).code).toBe(0);
    expect(systemText(cli.server.requests[0]!)).toContain('--- AGENTS.md ---\nNever touch namespace billing.');
  });

  it('ksa ask says on stderr that AGENTS.md was cut', async (context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.dir, 'AGENTS.md'), 'Never touch namespace billing.\n'.repeat(500));
    cli.server.enqueue({ text: 'Noted.' });
    const result = await cli.ksa(['ask', 'hello']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(ksaLines(result.stderr)).toEqual([expect.stringMatching(/^ksa: warning: AGENTS\.md is cut at a line end: the model is given \d+ of its 15499 characters/)]);
  });

  it('the chat says in its transcript which file is cut and how much the model is given', async (context) => {
    const harness = await chatHarnessFor(context);
    await writeFile(path.join(harness.sandbox.dir, 'AGENTS.md'), 'Rule: deploy with care and check the health endpoint after every change.\n'.repeat(400));
    const chat = await harness.open();
    const screen = await chat.waitForScreen('AGENTS.md is cut', 30_000);
    expect(screen.replace(/\s+/g, ' ')).toMatch(/! AGENTS\.md is cut at a line end: the model is given \d+ of its 29199 characters/);
    expect((await chat.quit()).exitCode).toBe(0);
  });
});

describe.concurrent('project instructions that cannot be used as they are', () => {
  const SHELL_PLAN = planReply({ goal: 'g', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' } }] });

  /** ksa plan in a workspace whose AGENTS.md is set up by `prepare`, beside a usable .ksa/instructions.md. */
  async function planWith(context: Parameters<typeof agentCliFor>[0], prepare: (agents: string) => Promise<void>) {
    const cli = await agentCliFor(context);
    await mkdir(path.join(cli.sandbox.dir, '.ksa'));
    await writeFile(path.join(cli.sandbox.dir, '.ksa/instructions.md'), 'Use pnpm, never npm.\n');
    await prepare(path.join(cli.sandbox.dir, 'AGENTS.md'));
    cli.server.enqueue(SHELL_PLAN);
    const result = await cli.ksa(['plan', 'x'], { timeoutMs: 20_000 });
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.code, describeResult(result)).toBe(0);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    return { result, sent: lastUserText(cli.server.requests[0]!) };
  }

  it('a FIFO named AGENTS.md: ksa plan does not wait on it, says so, and uses .ksa/instructions.md', async (context) => {
    const { result, sent } = await planWith(context, async (agents) => void execFileSync('mkfifo', [agents]));
    expect(ksaLines(result.stderr)).toEqual(['ksa: warning: AGENTS.md is skipped: it is a FIFO (named pipe), not a regular file']);
    expect(sent).toContain('--- .ksa/instructions.md ---\nUse pnpm, never npm.');
    expect(sent).not.toContain('--- AGENTS.md ---');
  });

  it('a binary AGENTS.md is not sent to the model; the user is told', async (context) => {
    const { result, sent } = await planWith(context, (agents) => copyFile(process.execPath, agents));
    expect(ksaLines(result.stderr)).toEqual(['ksa: warning: AGENTS.md is skipped: it is not text (it has NUL bytes)']);
    expect(sent).not.toContain('--- AGENTS.md ---');
  });

  it('an AGENTS.md of 600 MB: its start reaches the model, and the user is told the rest is left out', async (context) => {
    const { result, sent } = await planWith(context, async (agents) => {
      await writeFile(agents, 'RULE-ONE: never touch namespace billing\n'.repeat(2000));
      await truncate(agents, 600_000_000);
    });
    expect(sent).toContain('--- AGENTS.md ---\nRULE-ONE: never touch namespace billing\n');
    expect(sent).toMatch(/\[AGENTS\.md was cut here: the first \d+ characters of its 600000000 bytes are shown\]/);
    expect(ksaLines(result.stderr)).toEqual([expect.stringMatching(/^ksa: warning: AGENTS\.md is cut at a line end: the model is given the first \d+ characters of its 600000000 bytes/)]);
  });

  it.skipIf(process.getuid?.() === 0)('an AGENTS.md that cannot be read is named, with the reason (chmod 000)', async (context) => {
    const { result, sent } = await planWith(context, async (agents) => {
      await writeFile(agents, 'RULE-TWO: never touch billing\n');
      await chmod(agents, 0o000);
    });
    expect(ksaLines(result.stderr)).toEqual(['ksa: warning: AGENTS.md is skipped: it cannot be read (permission denied)']);
    expect(sent).not.toContain('RULE-TWO');
  });

  it('the chat says in its transcript which file is skipped and why', async (context) => {
    const harness = await chatHarnessFor(context);
    execFileSync('mkfifo', [path.join(harness.sandbox.dir, 'AGENTS.md')]);
    const chat = await harness.open();
    const screen = await chat.waitForScreen('AGENTS.md is skipped', 30_000);
    expect(screen).toMatch(/! AGENTS\.md is skipped: it is a FIFO \(named pipe\), not a regular\s+file/);
    expect((await chat.quit()).exitCode).toBe(0);
  });
});

describe.concurrent('the kube context in generated plans', () => {
  it('ksa plan pins every cluster step to the current context and namespace; ksa run shows them per step', async (context) => {
    const cli = await agentCliFor(context);
    const env = await withKube(cli);
    cli.server.enqueue(planReply(K8S_PLAN));
    const planned = await cli.ksa(['plan', 'deploy web', '-o', 'plan.yaml'], { env });
    expect(planned.code, describeResult(planned)).toBe(0);
    expect(lastUserText(cli.server.requests[0]!)).toContain('- Current kube context: kind-dev (namespace shop)');
    const yaml = await readFile(path.join(cli.sandbox.dir, 'plan.yaml'), 'utf8');
    expect(yaml).toMatch(/inputs:\n {2}kubeContext: kind-dev\n {2}namespace: shop\n/);
    expect(yaml.match(/context: "\{\{ inputs\.kubeContext \}\}"/g)).toHaveLength(3);

    const shown = await cli.ksa(['run', 'plan.yaml', '--dry-run'], { env });
    expect(shown.code, describeResult(shown)).toBe(0);
    expect(shown.stdout.match(/^ +cluster kind-dev · namespace shop$/gm)).toHaveLength(2);
    expect(shown.stdout).toContain("k8s_apply: kubectl apply -f k8s/ -o json --context '{{ inputs.kubeContext }}' -n '{{ inputs.namespace }}'");
  });

  it('the chat (ksa ask) proposes a Kubernetes deploy that shows the cluster of each step', async (context) => {
    const cli = await agentCliFor(context);
    const env = await withKube(cli, 'kind-staging', 'web');
    cli.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'deploy web' } }] }, planReply(K8S_PLAN), { text: 'Here is the plan.' });
    const result = await cli.ksa(['ask', 'deploy web to my cluster'], { env });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('inputs: kubeContext=kind-staging, namespace=web');
    expect(result.stdout.match(/^ +cluster kind-staging · namespace web$/gm)).toHaveLength(2);
  });
});
