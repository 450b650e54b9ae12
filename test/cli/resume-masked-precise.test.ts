import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

// After a crash, ksa resume and ksa cancel refuse only what writing the run down actually hid as ***: a `***` the
// plan itself writes, or an input mapping's ordinary fields (`key:` of a toleration, `tokenTTL`), resume and cancel
// as any other run; a secret typed into an llm_query prompt is refused as one typed into a command is.

let sandbox: CliSandbox;
let model: FakeOpenAIServer;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-resume-masked-precise-');
  model = await startFakeOpenAI();
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await model.close();
  await sandbox.cleanup();
});

const SECRET = 'Zq7pX9wVsecretA1';

/** s1 (with a rollback), then s2 that waits until a `go` file exists, then `last`. */
const planWith = (head: string, rollback: string, last: string) => `${head}
steps:
  - id: s1
    tool: shell
    args: { command: "echo s1" }
    rollback: { tool: shell, args: { command: "${rollback}" } }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; while [ ! -f go ]; do sleep 0.1; done" }
${last}
`;

/** `ksa run` of the plan killed with SIGKILL while s2 waits (s1 succeeded); s2 is let go once the run is dead. */
async function crashed(name: string, plan: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const run = await crashedWhileS2Runs(sandbox, name, plan, leftovers, { args, env });
  writeFileSync(path.join(run.dir, 'go'), '');
  return run;
}

describe.concurrent('a crashed run holding no secret written into it', () => {
  it('with ordinary fields of input mappings (key, tokenTTL, apiKeyHeader, monkey): resumes and finishes with the values shown', async () => {
    const head = `goal: Schedule on dedicated nodes
inputs:
  tolerations: [{ key: dedicated, operator: Equal, value: gpu }]
  settings: { tokenTTL: 3600, apiKeyHeader: X-Api-Key, monkey: banana, secretKeyRef: { name: app-secrets, key: api } }`;
    const last = `  - id: push
    tool: shell
    dependsOn: [s2]
    args: { command: "echo {{ inputs.tolerations[0].key }} {{ inputs.settings.apiKeyHeader }} {{ inputs.settings.monkey }} {{ inputs.settings.tokenTTL }} {{ inputs.settings.secretKeyRef.name }} > pushed.txt; cat pushed.txt" }`;
    const { dir, home, runId } = await crashed('settings', planWith(head, 'echo undo', last));
    const record = readRunFile(home, runId) as unknown as { plan: { inputs: Record<string, unknown> } };
    expect(record.plan.inputs).toEqual({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }],
      settings: { tokenTTL: 3600, apiKeyHeader: 'X-Api-Key', monkey: 'banana', secretKeyRef: { name: 'app-secrets', key: 'api' } },
    });
    const listed = JSON.parse((await runKsa(['runs', '--json'], { home })).stdout) as { runs: { goal: string }[] };
    expect(listed.runs[0]?.goal).toBe('Schedule on dedicated nodes');

    const resumed = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir });
    expectExit(resumed, 0);
    expect(readFileSync(path.join(dir, 'pushed.txt'), 'utf8')).toBe('dedicated X-Api-Key banana 3600 app-secrets\n');
    const lines = parseNdjson(resumed.stdout).filter((event) => event.type === 'step_output' && event.stepId === 'push');
    expect(lines.map((event) => event.line)).toEqual(['dedicated X-Api-Key banana 3600 app-secrets']);
  });

  it('with a *** the plan writes itself: ksa resume runs it as written, ksa cancel rolls it back', async () => {
    const last = `  - id: push
    tool: shell
    dependsOn: [s2]
    args: { command: "echo '*** done ***' > pushed.txt" }`;
    const plan = planWith('goal: Stars of its own', "echo '*** undone ***' > undone.txt", last);
    const first = await crashed('stars-resume', plan);
    const resumed = await runKsa(['resume', first.runId, '--yes'], { home: first.home, cwd: first.dir });
    expectExit(resumed, 0);
    expect(readFileSync(path.join(first.dir, 'pushed.txt'), 'utf8')).toBe('*** done ***\n');

    const second = await crashed('stars-cancel', plan);
    const cancelled = await runKsa(['cancel', second.runId, '--yes'], { home: second.home, cwd: second.dir });
    expectExit(cancelled, 0);
    expect(readFileSync(path.join(second.dir, 'undone.txt'), 'utf8')).toBe('*** undone ***\n');
    expect(readRunFile(second.home, second.runId)?.state.steps.s1?.status).toBe('rolled_back');
  });
});

describe.concurrent('a crashed run with a secret typed into an llm_query prompt', () => {
  it('ksa resume refuses it, naming the step (exit 2); the model is not asked', async () => {
    const last = `  - id: ask
    type: llm_query
    dependsOn: [s2]
    prompt: "Is the token ${SECRET} still valid? Answer yes or no."`;
    const env = { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'sk-fake', KSA_MODEL: 'fake-model' };
    const { file, dir, home, runId } = await crashed('prompt', planWith('goal: Ask about a token\ninputs: { apiToken: "" }', 'echo undo', last), ['--input', `apiToken=${SECRET}`], env);
    const resumed = await runKsa(['resume', runId, '--yes', '--input', `apiToken=${SECRET}`], { home, cwd: dir, env });
    expectExit(resumed, 2);
    expect(resumed.stderr.trim()).toBe(`ksa: run ${runId} cannot be resumed: step ask holds a secret written into the plan, stored as *** and not kept; nothing was run. ksa run ${file} starts it afresh`);
    expect(model.requests).toHaveLength(0);
    expect(existsSync(path.join(dir, 'long.pids'))).toBe(true);
  });
});
