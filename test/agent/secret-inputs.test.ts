import { describe, expect, it } from 'vitest';
import { PlanSchema, type Plan } from '../../src/planning/index.js';
import { lostSecretsNotice, secretInputsLost, withoutSecretInputs, withSecretInputsOf } from '../../src/agent/secret-inputs.js';

// A secret input the user wrote into a plan: the model sees ***, and a revision it makes gets the
// value back wherever it left what it was shown, also where the secret's text appears in plain words.

const commandOf = (step: Plan['steps'][number]) => ('args' in step ? (step.args as { command?: string }).command : undefined);

const plan = PlanSchema.parse({
  goal: 'Deploy postgres',
  inputs: { dbPassword: 'postgres', dbUser: 'postgres', port: 5432 },
  steps: [
    { id: 'db', tool: 'shell', args: { command: 'podman run -e POSTGRES_PASSWORD={{ inputs.dbPassword }} postgres:16' } },
    { id: 'check', tool: 'shell', dependsOn: ['db'], args: { command: 'pg_isready -U {{ inputs.dbUser }}' } },
  ],
});

describe('secret inputs of a plan the model revises', () => {
  it('the model is shown *** for the secret wherever its text is', () => {
    const shown = withoutSecretInputs(plan);
    expect(shown.inputs).toEqual({ dbPassword: '***', dbUser: '***', port: 5432 });
    expect(commandOf(shown.steps[0]!)).toBe('podman run -e POSTGRES_PASSWORD={{ inputs.dbPassword }} ***:16');
    expect(JSON.stringify(shown)).not.toContain('postgres:16');
  });

  it('a revision gets back what it left as shown, in the same input, field or step (matched by id), and keeps what it changed', () => {
    const shown = withoutSecretInputs(plan);
    // Port changed, a step added before the others (indices shift), the db step as it was shown.
    const revised = PlanSchema.parse({
      ...shown,
      inputs: { ...shown.inputs, port: 9090 },
      steps: [{ id: 'prepare', tool: 'shell', args: { command: 'echo ***' } }, ...shown.steps],
    });
    const back = withSecretInputsOf(revised, plan);
    expect(back.inputs).toEqual({ dbPassword: 'postgres', dbUser: 'postgres', port: 9090 });
    expect(back.goal).toBe('Deploy postgres');
    expect(back.steps.map(commandOf)).toEqual(['echo ***', 'podman run -e POSTGRES_PASSWORD={{ inputs.dbPassword }} postgres:16', 'pg_isready -U {{ inputs.dbUser }}']);
    expect(secretInputsLost(back)).toEqual([]);
  });

  it('a plan reopened from the session, its secrets *** there, cannot run as it is: the inputs are named, and the steps where *** stands for them', () => {
    const reopened = withoutSecretInputs(plan);
    expect(secretInputsLost(reopened)).toEqual(['dbPassword', 'dbUser']);
    expect(lostSecretsNotice(reopened, ['dbPassword', 'dbUser'])).toBe(
      "The plan's inputs dbPassword, dbUser were kept in the session without their values (they held a secret); *** stands for it in step db too: press e and write them into the plan again, then run it.",
    );
  });
});
