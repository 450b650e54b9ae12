import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CYCLIC_PLAN, HALLUCINATED_TOOL_PLAN, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { agentCliFor, FAKE_KEY, ksaLines, singleFailureLine } from '../helpers/agent-cli.js';
import { describeResult, stackTraceLines } from '../helpers/cli.js';
import { lastUserText, planReply } from '../helpers/fake-openai-server.js';

// `ksa plan "<goal>"` end to end: the real binary, a fake OpenAI-compatible
// server over HTTP, the plan printed (yaml/json/mermaid) or written, nothing run.


const MARKER_PLAN = {
  goal: 'Write a marker file',
  steps: [
    { id: 'write', tool: 'shell', args: { command: 'echo planned > marker.txt' } },
    { id: 'check', tool: 'shell', args: { command: 'grep -q planned marker.txt' }, dependsOn: ['write'] },
  ],
};

describe.concurrent('ksa plan', () => {
  it('prints the plan as YAML by default, runs nothing, and tells the model about the workspace', async (context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.dir, 'package.json'), JSON.stringify({ name: 'shop', scripts: { build: 'tsc', start: 'node .' } }));
    await writeFile(path.join(cli.sandbox.dir, '.env'), 'SECRET_TOKEN=do-not-send-me');
    cli.server.enqueue(planReply(MARKER_PLAN));
    const result = await cli.ksa(['plan', 'write a marker file']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('# yaml-language-server: $schema=https://kubestack.ai/schemas/plan.json');
    expect(result.stdout).toContain('goal: Write a marker file');
    expect(result.stdout).toContain('command: echo planned > marker.txt');
    expect(result.stderr).toContain(`Planning with fake-model at ${cli.server.baseURL}`);
    expect(existsSync(path.join(cli.sandbox.dir, 'marker.txt'))).toBe(false);

    const [request] = cli.server.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${FAKE_KEY}`);
    expect(request!.body.model).toBe('fake-model');
    const goal = lastUserText(request!);
    expect(goal).toContain('Goal: write a marker file');
    expect(goal).toContain(`Workspace: ${cli.sandbox.dir}`);
    expect(goal).toContain('- package.json: name shop, scripts: build, start');
    expect(JSON.stringify(request!.body)).not.toContain('do-not-send-me');
  });

  it('-o plan.yaml writes a file that ksa run accepts as is', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN));
    const planned = await cli.ksa(['plan', 'write a marker file', '-o', 'plan.yaml']);
    expect(planned.code, describeResult(planned)).toBe(0);
    expect(planned.stdout).toBe('');
    expect(planned.stderr).toContain('Wrote plan.yaml (2 steps). Review it, then run it with: ksa run plan.yaml');
    expect(existsSync(path.join(cli.sandbox.dir, 'marker.txt'))).toBe(false);

    const validated = await cli.ksa(['validate', 'plan.yaml']);
    expect(validated.code, describeResult(validated)).toBe(0);
    const run = await cli.ksa(['run', 'plan.yaml', '--yes']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'marker.txt'), 'utf8')).toBe('planned\n');
    // Running a plan file never asks the model.
    expect(cli.server.requests).toHaveLength(1);
  });

  it('-o names in the run hint each input the plan leaves without a value, so the printed command runs', async (context) => {
    const cli = await agentCliFor(context);
    const plan = {
      goal: 'Push the image',
      inputs: { image: null, tag: null, port: 8080 },
      steps: [{ id: 'push', tool: 'shell', args: { command: "echo pushed {{ inputs.image }} {{ inputs.tag == null ? 'latest' : inputs.tag }} {{ inputs.port }} > pushed.txt" } }],
    };
    cli.server.enqueue(planReply(plan));
    const planned = await cli.ksa(['plan', 'push the image', '-o', 'plan.yaml']);
    expect(planned.code, describeResult(planned)).toBe(0);
    // tag is tested against null before it is read: the run needs no value for it.
    const hint = /run it with: (.*)$/m.exec(planned.stderr)?.[1];
    expect(hint).toBe('ksa run plan.yaml --input image=\u2026');
    const run = await cli.ksa([...hint!.replace('\u2026', 'web').split(' ').slice(1), '--yes']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'pushed.txt'), 'utf8')).toBe('pushed web latest 8080\n');
  });

  it('-o quotes a file name the shell would split in the run hint, so the printed command runs', async (context) => {
    const cli = await agentCliFor(context);
    const plan = { goal: 'Push', inputs: { image: null }, steps: [{ id: 'push', tool: 'shell', args: { command: 'echo pushed {{ inputs.image }} > pushed.txt' } }] };
    cli.server.enqueue(planReply(plan), planReply(plan));
    const planned = await cli.ksa(['plan', 'push', '-o', "my plan's.yaml"]);
    expect(planned.code, describeResult(planned)).toBe(0);
    const hint = /run it with: (.*)$/m.exec(planned.stderr)?.[1];
    expect(hint).toBe("ksa run 'my plan'\\''s.yaml' --input image=\u2026");
    const dashed = await cli.ksa(['plan', 'push', '-o', '-p.yaml']);
    expect(dashed.code, describeResult(dashed)).toBe(0);
    expect(/run it with: (.*)$/m.exec(dashed.stderr)?.[1]).toBe('ksa run ./-p.yaml --input image=\u2026');
    const run = await cli.ksa(['run', "my plan's.yaml", '--yes', '--input', 'image=web']);
    expect(run.code, describeResult(run)).toBe(0);
  });

  it('--format json and --format mermaid', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN), planReply(MARKER_PLAN));
    const json = await cli.ksa(['plan', 'marker', '--format', 'json']);
    expect(json.code, describeResult(json)).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ goal: 'Write a marker file', steps: [MARKER_PLAN.steps[0], MARKER_PLAN.steps[1]] });
    const mermaid = await cli.ksa(['plan', 'marker', '--format', 'mermaid']);
    expect(mermaid.code, describeResult(mermaid)).toBe(0);
    expect(mermaid.stdout).toBe('flowchart TD\n  s0["write<br/>shell"]\n  s1["check<br/>shell"]\n  s0 --> s1\n');
  });

  it('-o with --format mermaid does not suggest running the diagram', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN));
    const planned = await cli.ksa(['plan', 'marker', '--format', 'mermaid', '-o', 'plan.mmd']);
    expect(planned.code, describeResult(planned)).toBe(0);
    expect(planned.stderr).toContain('Wrote plan.mmd (2 steps). It is a diagram of the plan; for a file ksa run takes, use --format yaml (or json) without --json');
    expect(planned.stderr).not.toContain('ksa run plan.mmd');
  });

  it('-o plan.json with --format json is accepted by ksa run too', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN));
    expect((await cli.ksa(['plan', 'marker', '--format', 'json', '-o', 'plan.json'])).code).toBe(0);
    const run = await cli.ksa(['run', 'plan.json', '--yes', '--json']);
    expect(run.code, describeResult(run)).toBe(0);
  });

  it('--json: the plan, the attempts and every repair, as one document', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(CYCLIC_PLAN), planReply(VALID_PLAN));
    const result = await cli.ksa(['plan', 'build', '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    const document = JSON.parse(result.stdout) as { plan: { goal: string }; attempts: number; repairs: string[][]; totalTokens: number };
    expect(document.plan.goal).toBe(VALID_PLAN.goal);
    expect(document.attempts).toBe(2);
    expect(document.repairs).toEqual([[expect.stringContaining('steps[0].dependsOn: dependency cycle: a -> b -> a')]]);
    expect(document.totalTokens).toBe(36);
  });

  it('a cycle, then a valid plan: the repair is shown, and the second request carries the error with its path', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(CYCLIC_PLAN), planReply(VALID_PLAN));
    const result = await cli.ksa(['plan', 'build']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('The plan had 1 problem; asking the model to fix it (repair 1)…');
    expect(cli.server.requests).toHaveLength(2);
    expect(lastUserText(cli.server.requests[1]!)).toContain('- steps[0].dependsOn: dependency cycle: a -> b -> a');
  });

  it('always invalid: exit 1, one ksa: line, then the remaining problems; 4 requests', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback(planReply(HALLUCINATED_TOOL_PLAN));
    const result = await cli.ksa(['plan', 'deploy the shop']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(singleFailureLine(result)).toBe('ksa: the model did not produce a valid plan after 4 attempts; remaining problems:');
    expect(result.stderr).toContain('\n  steps[0].tool: unknown tool "deploy_app"; available: docker, helm, helm_rollback, helm_upgrade, http, k8s_apply, k8s_diff, k8s_port_forward, k8s_rollback, k8s_rollout_status, kubectl, podman, read_file, shell, sleep, write_file\n');
    expect(result.stdout).toBe('');
    expect(cli.server.requests).toHaveLength(4);
    // --json: the failure is one document on stdout too, its problems listed.
    const json = await cli.ksa(['plan', 'deploy the shop', '--json']);
    expect(json.code, describeResult(json)).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: 'the model did not produce a valid plan after 4 attempts; remaining problems:',
      problems: [expect.stringMatching(/^steps\[0\]\.tool: unknown tool "deploy_app"/)],
    });
  });

  it('--json: a server that read exactly its window of a longer prompt is a hint beside the problems, not one of them', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ text: 'Sure! What would you like me to deploy today?', usage: { prompt_tokens: 2048, completion_tokens: 14 } });
    const result = await cli.ksa(['plan', 'deploy the shop', '--json', '--max-repairs', '0']);
    expect(result.code, describeResult(result)).toBe(1);
    const document = JSON.parse(result.stdout) as { error: string; problems: string[]; hint?: string };
    expect(document.error).toBe('the model did not produce a valid plan after 1 attempt; remaining problems:');
    expect(document.problems).toEqual([expect.stringMatching(/^the answer is not valid JSON/)]);
    expect(document.hint).toMatch(/^the server read exactly 2048 tokens of a longer prompt: it may cut prompts to its context window without an error \(Ollama does\); .*OLLAMA_CONTEXT_LENGTH=16384/);
    // The text output still ends with it, after the problems.
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(document.hint);
  });

  it('an answer cut off at the output limit is said to be cut off, to the model and to the user, not "not valid JSON"', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ text: '{"goal": "Deploy", "steps": [{"id": "build", "tool": "shell", "args": {"comm', finishReason: 'length' });
    const result = await cli.ksa(['plan', 'deploy', '--max-repairs', '1']);
    expect(result.code, describeResult(result)).toBe(1);
    const cut = 'the answer was cut off at the model\'s output limit (finish reason "length") before the plan was complete';
    expect(lastUserText(cli.server.requests[1]!)).toContain(cut);
    expect(result.stderr).toContain(`\n  ${cut}: answer with a shorter plan and no other text (if this keeps happening, raise the server's output token limit, e.g. max_tokens, or num_predict for Ollama)\n`);
    expect(result.stderr).not.toContain('not valid JSON');
  });

  it('--max-repairs 1: two requests, then the failure', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback(planReply(HALLUCINATED_TOOL_PLAN));
    const result = await cli.ksa(['plan', 'deploy', '--max-repairs', '1']);
    expect(result.code).toBe(1);
    expect(ksaLines(result.stderr)).toEqual(['ksa: the model did not produce a valid plan after 2 attempts; remaining problems:']);
    expect(cli.server.requests).toHaveLength(2);
  });

  it('JSON in ``` fences with prose around it is accepted', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text: `Here you go:\n\`\`\`json\n${JSON.stringify(MARKER_PLAN, null, 2)}\n\`\`\`\nAnything else?` });
    const result = await cli.ksa(['plan', 'marker']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('goal: Write a marker file');
    expect(cli.server.requests).toHaveLength(1);
  });

  it.for([
    [['plan', '   '], 'ksa: the goal is empty; say what to do, e.g. ksa plan "deploy ./shop on port 8080"'],
    [['plan', 'x', '--format', 'toml'], 'ksa: --format must be yaml, json or mermaid, got "toml"'],
    [['plan', 'x', '-o', 'missing/plan.yaml'], 'ksa: -o missing/plan.yaml: no such folder missing; create it first (mkdir -p missing) or write elsewhere'],
    [['plan', 'x', '-o', '.'], 'ksa: -o .: is a folder; give a file name, e.g. -o plan.yaml'],
    [['plan', 'x', '-o', 'package.json/plan.yaml'], 'ksa: -o package.json/plan.yaml: package.json is not a folder'],
    [['plan', 'x', '-o', ''], 'ksa: -o needs a file name, e.g. -o plan.yaml'],
    [['plan', 'x', '-o', 'plan.json', '--format', 'yaml'], 'ksa: -o plan.json with --format yaml: ksa run reads a .json file as JSON; use --format json, or a file name ending in .yaml'],
    [['plan', 'x', '-o', 'plan.yaml', '--format', 'mermaid'], 'ksa: -o plan.yaml with --format mermaid: a diagram is not a plan, and ksa run would read a .yaml file as one; use --format yaml, or a file name ending in .mmd'],
    [['plan', 'x', '-o', 'plan.mmd', '--format', 'yaml'], 'ksa: -o plan.mmd with --format yaml: the name says it is a diagram; use --format mermaid, or a file name ending in .yaml'],
    [['plan', 'x', '--json', '--format', 'mermaid'], 'ksa: --json and --format mermaid cannot be used together: --json prints a report around the plan; for the plan alone use --format'],
  ] as const)('usage errors exit 2 without calling the model: %j', async ([args, line], context) => {
    const cli = await agentCliFor(context);
    await writeFile(path.join(cli.sandbox.dir, 'package.json'), '{}');
    const result = await cli.ksa(args);
    expect(result.code, describeResult(result)).toBe(2);
    expect(ksaLines(result.stderr)).toEqual([line]);
    expect(result.stderr).not.toContain('Planning with');
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(cli.server.requests).toHaveLength(0);
  });

  // /proc's permission bits let root create files there, but it takes none: only creating the file tells.
  it.skipIf(!existsSync('/proc/self'))('-o in a folder that takes no new files (/proc): one line naming the file, exit 2, before the model is asked', async (context) => {
    const cli = await agentCliFor(context);
    const result = await cli.ksa(['plan', 'x', '-o', '/proc/ksa-plan.yaml']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe('ksa: -o /proc/ksa-plan.yaml: cannot create files in /proc');
    expect(cli.server.requests).toHaveLength(0);
  });

  // /proc/self/status opens for writing (as root) and the kernel refuses the write itself: known only after the model answered.
  it.skipIf(!existsSync('/proc/self/status'))('-o naming a special file that refuses writes: one line saying so, no raw EINVAL', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN));
    const result = await cli.ksa(['plan', 'x', '-o', '/proc/self/status']);
    expect(result.code, describeResult(result)).not.toBe(0);
    expect(result.stderr).not.toMatch(/EINVAL/);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(ksaLines(result.stderr).at(-1)).toMatch(/^ksa: -o \/proc\/self\/status: (permission denied|this file does not take what ksa writes)/);
  });

  it('the early check of -o leaves nothing behind when the model then fails', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.setFallback({ status: 401, error: 'bad key' });
    const result = await cli.ksa(['plan', 'x', '-o', 'plan.yaml']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(cli.sandbox.dir, 'plan.yaml'))).toBe(false);
  });

  it('-o plan.json without --format writes JSON, which ksa run takes', async (context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue(planReply(MARKER_PLAN));
    const planned = await cli.ksa(['plan', 'marker', '-o', 'plan.json']);
    expect(planned.code, describeResult(planned)).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cli.sandbox.dir, 'plan.json'), 'utf8'))).toMatchObject({ goal: 'Write a marker file' });
    expect((await cli.ksa(['validate', 'plan.json'])).code).toBe(0);
  });
});
