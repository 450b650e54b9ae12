import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor, singleFailureLine } from '../helpers/agent-cli.js';
import { describeResult, eventsOf, parseNdjson } from '../helpers/cli.js';
import { lastUserText } from '../helpers/fake-openai-server.js';

// `ksa run` of a plan with an llm_query step: the prompt goes to the
// configured endpoint, the answer text is the step's output, a later shell
// step uses it.

const PLAN = `goal: Ask the model, then use its answer
inputs:
  service: shop
steps:
  - id: pick_port
    type: llm_query
    prompt: "Which port should {{ inputs.service }} use? Answer with the number only."
  - id: write
    tool: shell
    dependsOn: [pick_port]
    args: { command: "echo port={{ steps.pick_port.output }} > answer.txt" }
`;

describe.concurrent('llm_query steps in ksa run', () => {
  it('the rendered prompt is sent; the answer feeds the next step', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('plan.yaml', PLAN);
    cli.server.enqueue({ text: '9090' });
    const result = await cli.ksa(['run', 'plan.yaml', '--yes', '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(readFileSync(path.join(cli.sandbox.dir, 'answer.txt'), 'utf8')).toBe('port=9090\n');
    expect(cli.server.requests).toHaveLength(1);
    expect(lastUserText(cli.server.requests[0]!)).toBe('Which port should shop use? Answer with the number only.');
    expect(cli.server.requests[0]!.body.model).toBe('fake-model');
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_succeeded', 'pick_port')).toHaveLength(1);
  });

  it('a failing model call fails the step with the endpoint in its error; the run ends failed (exit 1)', async (context) => {
    const cli = await agentCliFor(context);
    await cli.writeConfig({ maxRetries: 0 });
    await cli.sandbox.writePlan('plan.yaml', PLAN);
    cli.server.setFallback({ status: 404, error: 'model "fake-model" not found' });
    const result = await cli.ksa(['run', 'plan.yaml', '--yes', '--json']);
    expect(result.code, describeResult(result)).toBe(1);
    const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'pick_port');
    expect(failed[0]?.error).toContain(`${cli.server.baseURL} does not know model "fake-model"`);
    expect(existsSync(path.join(cli.sandbox.dir, 'answer.txt'))).toBe(false);
  });

  it('an answer cut off at the output limit, only reasoning, or empty fails the step instead of feeding the next one, saying to run the plan again', async (context) => {
    for (const [reply, error] of [
      [{ text: '80', finishReason: 'length' }, `the model's answer was cut off at its output limit (finish reason "length") after 2 characters`],
      [{ text: '<think>the port is probably', finishReason: 'length' }, 'the model gave no answer: it was cut off at the model\'s output token limit (finish reason "length") while it was still reasoning, before any answer; raise the model\'s max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off, then run the plan again'],
      [{ text: '' }, 'the model sent an empty answer: no text and no tool call (an empty completion, or a body that is not an OpenAI-compatible completion); run the plan again, or check the endpoint with: ksa model check'],
    ] as const) {
      const cli = await agentCliFor(context);
      await cli.writeConfig({ maxRetries: 0 });
      await cli.sandbox.writePlan('plan.yaml', PLAN);
      cli.server.enqueue(reply);
      const result = await cli.ksa(['run', 'plan.yaml', '--yes', '--json']);
      expect(result.code, describeResult(result)).toBe(1);
      expect(eventsOf(parseNdjson(result.stdout), 'step_failed', 'pick_port')[0]?.error).toContain(error);
      expect(existsSync(path.join(cli.sandbox.dir, 'answer.txt'))).toBe(false);
    }
  });

  it('no model configured: refused up front (exit 2), nothing runs', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('plan.yaml', PLAN.replace('steps:\n', 'steps:\n  - id: first\n    tool: shell\n    args: { command: "touch ran.txt" }\n'));
    const result = await cli.ksa(['run', 'plan.yaml', '--yes'], { env: { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(singleFailureLine(result)).toBe(
      'ksa: the plan has llm_query steps, which need a model: no model endpoint configured: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for a local server (e.g. http://localhost:11434/v1 for Ollama) and KSA_MODEL',
    );
    expect(existsSync(path.join(cli.sandbox.dir, 'ran.txt'))).toBe(false);
  });

  it('secrets in the prompt (env values, secret inputs, URL passwords) reach the model as ***', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan(
      'plan.yaml',
      `goal: Summarize a login
inputs:
  dbPassword: change-me
steps:
  - id: login
    tool: shell
    args: { command: "echo token=$DEPLOY_TOKEN pat=$GH_PAT db=$DATABASE_URL pw={{ inputs.dbPassword }}" }
  - id: sum
    type: llm_query
    dependsOn: [login]
    prompt: "Summarize: {{ steps.login.output.stdout }} and {{ inputs.dbPassword }}"
`,
    );
    cli.server.enqueue({ text: 'fine' });
    const env = { DEPLOY_TOKEN: 'tok-env-777', GH_PAT: 'ghpat-env-4242', DATABASE_URL: 'postgres://admin:dbpw-5150@db/prod' };
    const result = await cli.ksa(['run', 'plan.yaml', '--yes', '--json', '--input', 'dbPassword=inpw-8642'], { env });
    expect(result.code, describeResult(result)).toBe(0);
    expect(lastUserText(cli.server.requests[0]!)).toBe('Summarize: token=*** pat=*** db=postgres://admin:***@db/prod pw=*** and ***');
    // Nor do they reach the --json events (a CI log) or the plan shown on stderr.
    for (const secret of ['tok-env-777', 'ghpat-env-4242', 'dbpw-5150', 'inpw-8642']) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
    expect(eventsOf(parseNdjson(result.stdout), 'step_succeeded', 'login')[0]?.output).toMatchObject({ stdout: 'token=*** pat=*** db=postgres://admin:***@db/prod pw=***' });
    expect(result.stderr).toContain('inputs: dbPassword=***');
  });

  it('a secret input that is all digits reaches the model as ***', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('plan.yaml', 'goal: PIN\ninputs:\n  dbPassword: ""\n  apiKey: 55667788\nsteps:\n  - id: sum\n    type: llm_query\n    prompt: "Check {{ inputs.dbPassword }} and {{ inputs.apiKey }}"\n');
    cli.server.enqueue({ text: 'fine' });
    const result = await cli.ksa(['run', 'plan.yaml', '--yes', '--json', '--input', 'dbPassword=98765432']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(lastUserText(cli.server.requests[0]!)).toBe('Check *** and ***');
  });

  it('validating or dry-running such a plan needs no model', async (context) => {
    const cli = await agentCliFor(context);
    await cli.sandbox.writePlan('plan.yaml', PLAN);
    const env = { OPENAI_BASE_URL: undefined, OPENAI_API_KEY: undefined };
    expect((await cli.ksa(['validate', 'plan.yaml'], { env })).code).toBe(0);
    const dryRun = await cli.ksa(['run', 'plan.yaml', '--dry-run'], { env });
    expect(dryRun.code, describeResult(dryRun)).toBe(0);
    expect(cli.server.requests).toHaveLength(0);
  });
});
