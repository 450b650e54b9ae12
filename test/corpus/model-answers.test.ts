import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';
import { lastUserText, planReply, requestText } from '../helpers/fake-openai-server.js';

// Broken model answers: every file in test/corpus/model-answers/ is one case, played by the
// fake model server through `ksa ask`. A plan that breaks the permission policy must go back
// to the model with the rule and its file:line; only the repaired plan is shown and run.

const CORPUS = path.join(import.meta.dirname, 'model-answers');

type PolicyCase = {
  readonly description: string;
  readonly policy: string;
  readonly policyFile: string;
  readonly ruleLine: number;
  readonly goal: string;
  readonly answers: readonly unknown[];
  readonly expect: { readonly repairs: number; readonly denied: string; readonly marker: string };
};

const cases = (await readdir(CORPUS)).filter((name) => name.startsWith('policy-')).sort();

async function setUp(name: string, context: Parameters<typeof agentCliFor>[0]) {
  const corpusCase = parse(await readFile(path.join(CORPUS, name), 'utf8')) as PolicyCase;
  const cli = await agentCliFor(context);
  const policyFile = path.join(cli.sandbox.dir, corpusCase.policyFile);
  await mkdir(path.dirname(policyFile), { recursive: true });
  await writeFile(policyFile, corpusCase.policy);
  return { corpusCase, cli, policyFile };
}

describe.concurrent('model answers that break the permission policy', { timeout: 120_000 }, () => {
  it.for(cases)('ksa plan: %s', async (name, context) => {
    const { corpusCase, cli, policyFile } = await setUp(name, context);
    cli.server.enqueue(...corpusCase.answers.map((answer) => planReply(answer)));
    const result = await cli.ksa(['plan', corpusCase.goal, '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    type Steps = { steps: { id: string; tool: string; args: unknown }[] };
    const doc = JSON.parse(result.stdout) as { plan: Steps; attempts: number; repairs: string[][] };
    expect(doc.attempts).toBe(corpusCase.expect.repairs + 1);
    expect(doc.repairs[0]![0]).toContain(corpusCase.expect.denied);
    expect(doc.repairs[0]![0]).toContain(`${policyFile}:${corpusCase.ruleLine}`);
    // The printed plan is the repaired answer.
    const repaired = corpusCase.answers.at(-1) as Steps;
    expect(doc.plan.steps.map(({ id, tool, args }) => ({ id, tool, args }))).toEqual(repaired.steps.map(({ id, tool, args }) => ({ id, tool, args })));
  });

  it.for(cases)('ksa ask: %s', async (name, context) => {
    const { corpusCase, cli, policyFile } = await setUp(name, context);
    // Something the denied command would have removed.
    await mkdir(path.join(cli.sandbox.dir, 'build'));
    await writeFile(path.join(cli.sandbox.dir, 'build', 'keep-me.txt'), 'still here\n');

    cli.server.enqueue(
      { toolCalls: [{ name: 'propose_plan', arguments: { goal: corpusCase.goal } }] },
      ...corpusCase.answers.map((answer) => planReply(answer)),
      { text: 'Here is the plan.' },
      { text: JSON.stringify({ success: true, summary: 'Done.', issues: [], suggestions: [] }) },
    );
    // --approve write: the repaired plan destroys nothing, so it runs without --yes (approved by the policy).
    const result = await cli.ksa(['ask', '--approve', 'write', corpusCase.goal]);
    expect(result.code, describeResult(result)).toBe(0);

    const [, firstPlanning, repair] = cli.server.requests;
    // The planner was told the rules before it planned.
    expect(requestText(firstPlanning!) + JSON.stringify(firstPlanning!.body)).toContain('Never plan these');
    // The denied plan went back with the rule and where it is written.
    expect(lastUserText(repair!)).toContain(corpusCase.expect.denied);
    expect(lastUserText(repair!)).toContain(`${policyFile}:${corpusCase.ruleLine}`);
    expect(result.stderr).toContain(`the plan had 1 problem(s); asking the model to fix them (repair ${corpusCase.expect.repairs})`);

    // Only the repaired plan ran: the denied command never did.
    expect(await readFile(path.join(cli.sandbox.dir, 'marker.txt'), 'utf8')).toBe(corpusCase.expect.marker);
    expect(existsSync(path.join(cli.sandbox.dir, 'build', 'keep-me.txt'))).toBe(true);
    expect(result.stderr).toContain('Approved by the policy');

    const status = await cli.ksa(['status', '--json']);
    expect(status.code, describeResult(status)).toBe(0);
    const approvals = (JSON.parse(status.stdout) as { approvals: { approvedBy: string; mode: string; planHash: string }[] }).approvals;
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ approvedBy: 'policy', mode: 'write', planHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });
});
