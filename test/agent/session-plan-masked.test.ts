import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlanSchema, type Plan } from '../../src/planning/index.js';
import { ConversationStore } from '../../src/store/index.js';
import { pendingProposal, planMessage } from '../../src/agent/session-history.js';
import { lostSecretsNoticeFor, secretsLost } from '../../src/agent/secret-inputs.js';
import { createTempDir } from '../helpers/tool-context.js';

// A plan kept in a chat session notes what was stored as *** (its secrets' values are not kept): read back, it is
// refused for exactly those, not for a *** the plan writes itself. A session an older ksa wrote is read by its ***.

let root: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  root = await createTempDir('ksa-session-masked-');
});
afterEach(async () => {
  await root.cleanup();
});

const TOKEN = 'ghp_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';

async function reopened(plan: Plan, secrets: string[] = []) {
  const store = new ConversationStore(path.join(root.dir, 'home'), { secrets });
  const conversation = await store.create({ workspace: root.dir });
  conversation.append(planMessage({ planId: 'p1', plan }));
  const id = conversation.id;
  await conversation.close();
  const again = await new ConversationStore(path.join(root.dir, 'home'), { secrets }).open(id);
  const proposal = pendingProposal(await again.messages())!;
  await again.close();
  return proposal;
}

describe('a plan read back from a chat session', () => {
  it('runs when it writes *** itself: nothing was hidden', async () => {
    const plan = PlanSchema.parse({ goal: 'Banner', inputs: { banner: '*** release ***' }, steps: [{ id: 'say', tool: 'shell', args: { command: "echo '*** {{ inputs.banner }} ***'" } }] });
    const proposal = await reopened(plan);
    expect(proposal.plan).toEqual(plan);
    expect(secretsLost(proposal)).toEqual({ steps: [], rollbacks: [], inputs: [] });
  });

  it('is refused for a secret input, a token typed into a step and a secret variable typed into a rollback, naming them', async () => {
    const plan = PlanSchema.parse({
      goal: 'Push',
      inputs: { dbPassword: 'Hunter2pw', banner: '*** hi' },
      steps: [{ id: 'push', tool: 'shell', args: { command: `git push https://${TOKEN}@github.com/o/r` }, rollback: { tool: 'shell', args: { command: 'curl -H "X: envsecret77" x' } } }],
    });
    const proposal = await reopened(plan, ['envsecret77']);
    expect(JSON.stringify(proposal.plan)).not.toContain(TOKEN);
    expect(JSON.stringify(proposal.plan)).not.toContain('envsecret77');
    expect(secretsLost(proposal)).toEqual({ steps: ['push'], rollbacks: ['push'], inputs: ['dbPassword'] });
    const stepsOnly = await reopened(PlanSchema.parse({ ...plan, inputs: {} }));
    expect(lostSecretsNoticeFor(stepsOnly.plan, secretsLost(stepsOnly))).toBe(
      'Step push of the plan was kept in the session with *** for a secret written into it: press e and write it into the plan again (or pass it as a secret input), then run it.',
    );
  });

  it('written by an older ksa (no note of what it hid), is read by the *** in its inputs', () => {
    const plan = PlanSchema.parse({ goal: 'Old', inputs: { dbPassword: '***', port: 80 }, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ***' } }] });
    const proposal = pendingProposal([{ id: 'm1', ts: '2026-01-01T00:00:00.000Z', kind: 'plan', planId: 'p1', plan }])!;
    expect(secretsLost(proposal)).toEqual({ steps: [], rollbacks: [], inputs: ['dbPassword'] });
  });

  it('an edit that writes the value back is no longer refused', async () => {
    const plan = PlanSchema.parse({ goal: 'Db', inputs: { dbPassword: 'Hunter2pw' }, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ok' } }] });
    const proposal = await reopened(plan);
    expect(secretsLost(proposal).inputs).toEqual(['dbPassword']);
    expect(secretsLost({ ...proposal, plan: { ...proposal.plan, inputs: { dbPassword: 'Hunter2pw' } } }).inputs).toEqual([]);
  });

  it('a plan the model proposes afresh, copying the *** it was shown for a secret input, is refused', () => {
    const plan = PlanSchema.parse({ goal: 'Db', inputs: { dbPassword: '***', db: { password: '***' }, banner: '*** hi', port: 80 }, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ok' } }] });
    expect(secretsLost({ plan })).toEqual({ steps: [], rollbacks: [], inputs: ['dbPassword', 'db'] });
  });

  it('a plan the model proposes afresh, copying *** where ksa hid a secret under any name (a URL password, a whole credential value, an auth header, a secret assignment), is refused', () => {
    const inputs = {
      dbUrl: 'postgres://app:***@db/prod',
      openai: '***',
      headers: { Authorization: 'Bearer ***' },
      conn: 'host=db user=app password=*** sslmode=require',
      servers: [{ url: 'https://deploy:***@git.example/repo.git' }],
      banner: '*** release ***',
      note: 'rated *** by users',
      plainUrl: 'postgres://app@db/prod',
      port: 80,
    };
    const plan = PlanSchema.parse({ goal: 'Db', inputs, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ok' } }] });
    expect(secretsLost({ plan }).inputs).toEqual(['dbUrl', 'openai', 'headers', 'conn', 'servers']);
  });
});
