import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';

// A plan the model writes may leave an input without a value for the user to give: it is written as it is,
// and refused only where it would run without one.

const DEPLOY_PLAN = {
  goal: 'do the thing',
  inputs: { image: null, replicas: 3 },
  steps: [{ id: 'a', tool: 'shell', args: { command: 'echo img={{ inputs.image }} r={{ inputs.replicas }} > deployed.txt' } }],
};
const propose = (goal: string) => ({ toolCalls: [{ name: 'propose_plan', arguments: { goal } }] });

describe.concurrent('a model plan with an input without a value', () => {
  it('ksa plan -o writes it at once, without asking the model to make up a value; ksa run takes it with --input', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(DEPLOY_PLAN));
    const planned = await cli.ksa(['plan', 'deploy it', '-o', 'out.yaml']);
    expect(planned.code, describeResult(planned)).toBe(0);
    expect(cli.server.requests).toHaveLength(1);
    const refused = await cli.ksa(['run', 'out.yaml', '--yes']);
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain('input "image" has no value (step a reads it): pass --input image=…');
    const run = await cli.ksa(['run', 'out.yaml', '--yes', '--input', 'image=nginx']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'deployed.txt'), 'utf8')).toBe('img=nginx r=3\n');
  });

  it('ksa ask --yes shows and saves it, then refuses to run it (exit 2), saying how to run it with --input', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('deploy it'), planReply(DEPLOY_PLAN), { text: 'Plan ready.' });
    const asked = await cli.ksa(['ask', '--yes', 'deploy it', '-o', 'saved.yaml']);
    expect(asked.code, describeResult(asked)).toBe(2);
    expect(asked.stderr).toContain('input "image" (step a reads it) has no value: run it with ksa run saved.yaml --input image=…; nothing was run');
    expect(existsSync(path.join(cli.sandbox.dir, 'deployed.txt'))).toBe(false);
    expect(cli.server.requests).toHaveLength(3);
    const run = await cli.ksa(['run', 'saved.yaml', '--yes', '--input', 'image=nginx']);
    expect(run.code, describeResult(run)).toBe(0);
  });

  it('ksa ask --yes refuses a plan that tests another value before reading it (when: inputs.enabled && inputs.image != ""), or reads it under has()', async (context) => {
    const plan = {
      goal: 'push it',
      inputs: { image: null, tag: null, enabled: true },
      steps: [
        { id: 'push', tool: 'shell', when: 'inputs.enabled && inputs.image != ""', args: { command: 'echo docker push {{ inputs.image }}:v1 > deployed.txt' } },
        { id: 'tag', tool: 'shell', args: { command: 'echo {{ has(inputs.tag) ? inputs.tag : "latest" }} > tagged.txt' } },
      ],
    };
    const cli = await agentCliFor(context);
    cli.server.enqueue(propose('push it'), planReply(plan), { text: 'Plan ready.' });
    const asked = await cli.ksa(['ask', '--yes', 'push it', '-o', 'saved.yaml']);
    expect(asked.code, describeResult(asked)).toBe(2);
    expect(asked.stderr).toContain('inputs "image" (step push reads it), "tag" (step tag reads it) have no value: run it with ksa run saved.yaml --input image=… --input tag=…; nothing was run');
    expect(existsSync(path.join(cli.sandbox.dir, 'deployed.txt'))).toBe(false);
    expect(existsSync(path.join(cli.sandbox.dir, 'tagged.txt'))).toBe(false);
    const run = await cli.ksa(['run', 'saved.yaml', '--yes', '--input', 'image=nginx', '--input', 'tag=v2']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'deployed.txt'), 'utf8')).toBe('docker push nginx:v1\n');
    expect(readFileSync(path.join(cli.sandbox.dir, 'tagged.txt'), 'utf8')).toBe('v2\n');
  });
});
