import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, loadModelConfig, planGoal, PlanningError, revisePlan, type ModelConfig } from '../../src/agent/index.js';
import { BAD_ARGS_PLAN, CYCLIC_PLAN, HALLUCINATED_TOOL_PLAN, json, parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { contentText, lastUserText, planReply, requestText, startFakeOpenAI, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

// The planner over real HTTP: createOpenAI(...).chat() against a fake
// OpenAI-compatible server, JSON completions, the request log asserted.

let server: FakeOpenAIServer;
let home: string;
let config: ModelConfig;
beforeAll(async () => {
  server = await startFakeOpenAI();
  home = await mkdtemp(path.join(tmpdir(), 'ksa-planner-http-'));
  config = await loadModelConfig({ OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-fake-planner', KSA_MODEL: 'fake-model' }, home);
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => server.reset());

const plan = (goal: string, extra: Partial<Parameters<typeof planGoal>[1]> = {}) => planGoal(goal, { model: createChatModel(config), tools, maxRetries: 0, context: 'Workspace: /srv/shop', ...extra });

describe('planGoal over HTTP', () => {
  it('a valid plan: one Chat Completions request with the key, the model, the instructions and a JSON schema', async () => {
    server.enqueue(planReply(VALID_PLAN, { usage: { prompt_tokens: 900, completion_tokens: 100 } }));
    const result = await plan('build and check the shop');
    expect(result).toMatchObject({ plan: parsed(VALID_PLAN), attempts: 1, repairs: [], totalTokens: 1000 });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe('Bearer sk-fake-planner');
    expect(request!.body.model).toBe('fake-model');
    expect(request!.body.stream).toBeFalsy();
    expect(request!.body.messages[0]!.role).toMatch(/^(system|developer)$/);
    expect(contentText(request!.body.messages[0]!)).toContain('You are the planner of KubeStack AI');
    expect(lastUserText(request!)).toBe('Goal: build and check the shop\n\nWorkspace: /srv/shop');
    expect(request!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'plan', strict: false } });
    expect(JSON.stringify(request!.body.response_format)).toContain('"dependsOn"');
  });

  it('a cycle, then a valid plan: the second request carries the validation error with its path', async () => {
    server.enqueue(planReply(CYCLIC_PLAN), planReply(VALID_PLAN));
    const result = await plan('build');
    expect(result.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!;
    expect(lastUserText(repair)).toContain('The plan was rejected by validation. Fix every problem below');
    expect(lastUserText(repair)).toContain('- steps[0].dependsOn: dependency cycle: a -> b -> a');
    // The rejected answer is in the conversation, as the assistant's.
    const assistant = repair.body.messages.filter((message) => message.role === 'assistant');
    expect(assistant.map(contentText)).toEqual([json(CYCLIC_PLAN)]);
    // The goal is still the first user message.
    expect(requestText(repair)).toContain('user: Goal: build');
  });

  it('always invalid: 4 requests, then a clear failure listing the remaining problems', async () => {
    server.setFallback(planReply(HALLUCINATED_TOOL_PLAN));
    const error = await plan('deploy').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlanningError);
    expect((error as PlanningError).message).toBe(
      'the model did not produce a valid plan after 4 attempts; remaining problems:\n  steps[0].tool: unknown tool "deploy_app"; available: docker, helm, helm_rollback, helm_upgrade, http, k8s_apply, k8s_diff, k8s_port_forward, k8s_rollback, k8s_rollout_status, kubectl, podman, read_file, shell, sleep, write_file',
    );
    expect(server.requests).toHaveLength(4);
    for (const request of server.requests.slice(1)) expect(lastUserText(request)).toContain('steps[0].tool: unknown tool "deploy_app"');
  });

  it('a hallucinated tool, then a real one', async () => {
    server.enqueue(planReply(HALLUCINATED_TOOL_PLAN), planReply(VALID_PLAN));
    const result = await plan('deploy');
    expect(result.repairs).toEqual([['steps[0].tool: unknown tool "deploy_app"; available: docker, helm, helm_rollback, helm_upgrade, http, k8s_apply, k8s_diff, k8s_port_forward, k8s_rollback, k8s_rollout_status, kubectl, podman, read_file, shell, sleep, write_file']]);
  });

  it('bad arguments name the argument and the tool', async () => {
    server.enqueue(planReply(BAD_ARGS_PLAN), planReply(VALID_PLAN));
    await plan('build');
    expect(lastUserText(server.requests[1]!)).toContain('- steps[0].args.cmd: unknown argument "cmd" (did you mean "cwd"?) (tool "shell")');
    expect(lastUserText(server.requests[1]!)).toContain('- steps[0].args.command: is required (string) (tool "shell")');
  });

  it('JSON in ``` fences with prose around it (as local models answer) is accepted at once', async () => {
    server.enqueue({ text: `Sure! Here is the plan:\n\n\`\`\`json\n${JSON.stringify(VALID_PLAN, null, 2)}\n\`\`\`\n\nLet me know if you want changes.` });
    const result = await plan('build');
    expect(result.attempts).toBe(1);
    expect(result.plan).toEqual(parsed(VALID_PLAN));
  });

  it('prose only (response_format ignored): asked again with the schema in the prompt, then the plan', async () => {
    server.enqueue({ text: 'I would build the app and then check it.' }, planReply(VALID_PLAN));
    const result = await plan('build');
    expect(result.attempts).toBe(1);
    expect(server.requests[0]!.body.response_format?.type).toBe('json_schema');
    expect(server.requests[1]!.body.response_format).toBeUndefined();
    expect(contentText(server.requests[1]!.body.messages[0]!)).toContain('Answer with one JSON object and nothing else');
  });

  it('prose twice: a repair round asking for JSON, then the plan', async () => {
    server.enqueue({ text: 'I would build the app.' }, { text: 'Then I would check it.' }, planReply(VALID_PLAN));
    const result = await plan('build');
    expect(result.attempts).toBe(2);
    expect(lastUserText(server.requests[2]!)).toMatch(/the answer is not valid JSON \(.*\); answer with one JSON object and nothing else/);
  });

  it('revisePlan: the request holds the current plan and the change; the answer is diffed', async () => {
    const revised = { ...VALID_PLAN, steps: [VALID_PLAN.steps[0], { ...VALID_PLAN.steps[1], args: { url: 'http://localhost:9090/health' } }] };
    server.enqueue(planReply(revised));
    const result = await revisePlan(parsed(VALID_PLAN), 'use port 9090', { model: createChatModel(config), tools, maxRetries: 0 });
    expect(result.changes).toBe('~ smoke: args.url');
    expect(lastUserText(server.requests[0]!)).toContain('"url": "http://localhost:8080/health"');
    expect(lastUserText(server.requests[0]!)).toContain('Revise it as the user asks: "use port 9090"');
  });
});
