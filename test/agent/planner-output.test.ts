import { describe, expect, it } from 'vitest';
import { extractJsonText, planGoal, revisePlan, withJsonExtraction } from '../../src/agent/index.js';
import { lastUserPrompt, promptText, scriptedModel, textAnswer } from '../helpers/mock-model.js';
import { MockLanguageModelV4 } from 'ai/test';
import { json, parsed, tools, VALID_PLAN } from '../helpers/agent-fixtures.js';

// What local models really answer: JSON in ``` fences, a sentence around it,
// text that is not JSON at all, or JSON that is not plan-shaped.

describe('extractJsonText', () => {
  it.each([
    ['plain JSON', '{"a":1}', '{"a":1}'],
    ['JSON with surrounding whitespace', '  \n{"a":1}\n ', '{"a":1}'],
    ['a ```json fence', '```json\n{"a":1}\n```', '{"a":1}'],
    ['a ```JSON fence', '```JSON\n{"a":1}\n```', '{"a":1}'],
    ['a bare ``` fence', '```\n{"a":1}\n```', '{"a":1}'],
    ['a fence on one line', '```json {"a":1} ```', '{"a":1}'],
    ['prose around a fence', 'Here is the plan:\n```json\n{"a":1}\n```\nLet me know!', '{"a":1}'],
    ['prose around bare JSON', 'Sure! Here it is: {"a":{"b":2}} Hope that helps.', '{"a":{"b":2}}'],
    ['an array', '[1,2]', '[1,2]'],
    ['bare JSON with a note after it', '{"goal":"g","steps":[]}\n\nNote: this uses the {shell} tool.', '{"goal":"g","steps":[]}'],
    ['braces and quotes inside strings', 'Plan: {"cmd":"echo \\"}{\\" [x]"} and {more}', '{"cmd":"echo \\"}{\\" [x]"}'],
    ['a cut answer is kept as it came (its error says it is cut)', 'Here: {"goal":"g","steps":[{"id"', '{"goal":"g","steps":[{"id"'],
    ['no JSON at all', 'I cannot do that.', 'I cannot do that.'],
    ['the empty answer', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(extractJsonText(input)).toBe(expected);
  });

  it('finds an unfenced plan after a fenced shell snippet', () => {
    expect(extractJsonText('Run this first:\n```sh\nnpm ci\n```\nThen the plan:\n{"a":{"b":1}}\nDone.')).toBe('{"a":{"b":1}}');
  });

  it('picks the JSON fence when a shell fence comes first', () => {
    const answer = 'First install:\n```bash\nnpm ci\n```\nThen the plan:\n```json\n{"a":1}\n```';
    expect(extractJsonText(answer)).toBe('{"a":1}');
  });
});

describe('planGoal with fences, prose and non-plan answers', () => {
  it.each([
    ['fenced', (plan: string) => `\`\`\`json\n${plan}\n\`\`\``],
    ['fenced with prose', (plan: string) => `Here is a plan for your goal.\n\n\`\`\`json\n${plan}\n\`\`\`\n\nApprove it to run.`],
    ['prose without a fence', (plan: string) => `Sure. ${plan} That is all.`],
  ])('a %s answer is accepted on the first attempt', async (_name, wrap) => {
    const model = scriptedModel([wrap(json(VALID_PLAN))]);
    const result = await planGoal('build', { model, tools });
    expect(result.attempts).toBe(1);
    expect(result.plan).toEqual(parsed(VALID_PLAN));
  });

  it('text that is not JSON goes back as a problem, and the next answer is used', async () => {
    const model = scriptedModel(['I would first build the app, then test it.', json(VALID_PLAN)]);
    const result = await planGoal('build', { model, tools });
    expect(result.attempts).toBe(2);
    expect(result.repairs[0]).toEqual([expect.stringMatching(/^the answer is not valid JSON \(.+\); answer with one JSON object and nothing else$/)]);
    expect(lastUserPrompt(model.doGenerateCalls[1]!)).toContain('the answer is not valid JSON');
    // The rejected text is in the conversation the model sees.
    expect(promptText(model.doGenerateCalls[1]!)).toContain('I would first build the app');
  });

  it('an empty answer is reported as such', async () => {
    const model = scriptedModel(['', json(VALID_PLAN)]);
    const result = await planGoal('build', { model, tools });
    expect(result.repairs[0]).toEqual(['the answer is not valid JSON (the answer was empty); answer with one JSON object and nothing else']);
    expect(JSON.stringify(model.doGenerateCalls[1]!.prompt)).toContain('(empty answer)');
  });

  it('an answer that is a function call (no text) is said to be one, so the model writes the plan instead', async () => {
    let call = 0;
    const model = new MockLanguageModelV4({
      doGenerate: async () =>
        call++ === 0
          ? { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'plan', input: JSON.stringify(VALID_PLAN) }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: textAnswer('').usage, warnings: [] }
          : textAnswer(json(VALID_PLAN)),
    });
    const result = await planGoal('build', { model, tools });
    expect(result.repairs[0]).toEqual(['the answer is not valid JSON (the answer was a function call, not text: write the plan itself as the answer, as JSON); answer with one JSON object and nothing else']);
  });

  it('JSON that fails the schema (NoObjectGeneratedError) is validated by ksa, so problems name their paths', async () => {
    const notPlanShaped = { goal: 'g', steps: [{ id: 'Build Step', tool: 'shell', command: 'npm run build' }] };
    const model = scriptedModel([json(notPlanShaped), json(VALID_PLAN)]);
    const result = await planGoal('build', { model, tools });
    expect(result.attempts).toBe(2);
    const problems = result.repairs[0]!;
    expect(problems).toContain('steps[0].command: unknown field "command"');
    expect(problems).toContain('steps[0].id: must match ^[a-z0-9][a-z0-9_-]{0,62}$ (lower-case letters, digits, "-" and "_")');
  });

  it('a top-level array or a bare string is rejected with a clear problem', async () => {
    const model = scriptedModel(['[1, 2, 3]', '"just a string"', json(VALID_PLAN)]);
    const result = await planGoal('build', { model, tools });
    expect(result.attempts).toBe(3);
    expect(result.repairs[0]).toEqual(['(plan): a plan must be an object with "goal" and "steps"']);
    expect(result.repairs[1]).toEqual(['(plan): a plan must be an object with "goal" and "steps"']);
  });

  it('withJsonExtraction leaves a string model id alone and wraps a model object', () => {
    expect(withJsonExtraction('gpt-4o-mini')).toBe('gpt-4o-mini');
    const model = scriptedModel(['{}']);
    expect(withJsonExtraction(model)).not.toBe(model);
  });
});

describe('revisePlan', () => {
  const current = parsed(VALID_PLAN);

  it('sends the current plan and the request, returns the validated revision with what changed', async () => {
    const revised = {
      ...VALID_PLAN,
      steps: [
        { id: 'build', tool: 'shell', args: { command: 'npm run build -- --prod' } },
        { id: 'smoke', tool: 'http', args: { url: 'http://localhost:9090/health' }, dependsOn: ['build'], retry: { maxAttempts: 5, initialDelayMs: 200 } },
        { id: 'notify', tool: 'shell', args: { command: 'echo done' }, dependsOn: ['smoke'] },
      ],
    };
    const model = scriptedModel([json(revised)]);
    const result = await revisePlan(current, 'use port 9090 and tell me when done', { model, tools, context: 'Workspace: /srv/shop' });
    const request = lastUserPrompt(model.doGenerateCalls[0]!);
    expect(request).toContain('Here is the current plan:');
    expect(request).toContain('"id": "smoke"');
    expect(request).toContain('Revise it as the user asks: "use port 9090 and tell me when done"');
    expect(request).toContain('Workspace: /srv/shop');
    expect(result.plan.steps.map((step) => step.id)).toEqual(['build', 'smoke', 'notify']);
    expect(result.diff.added).toEqual(['notify']);
    expect(result.diff.changed).toEqual([
      { id: 'build', fields: ['args.command'] },
      { id: 'smoke', fields: ['args.url'] },
    ]);
    expect(result.changes).toBe('+ notify (new)\n~ build: args.command\n~ smoke: args.url');
  });

  it('a revision goes through the same repair loop', async () => {
    const broken = { ...VALID_PLAN, steps: [VALID_PLAN.steps[0], { ...VALID_PLAN.steps[1], dependsOn: ['biuld'] }] };
    const model = scriptedModel([json(broken), json(VALID_PLAN)]);
    const result = await revisePlan(current, 'keep it', { model, tools });
    expect(result.attempts).toBe(2);
    expect(result.repairs[0]).toEqual(['steps[1].dependsOn[0]: unknown step "biuld" (did you mean "build"?)']);
    expect(result.changes).toBe('no changes');
  });
});
