import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { changedProposal } from '../../src/agent/session-runs.js';

// An edited or revised /resume proposal is a new run of the chat: in the chat's workspace, with the
// plan's own inputs. Its card says so when the run it came from ran elsewhere or was given inputs.

const plan = PlanSchema.parse({ goal: 'tagged deploy', inputs: { tag: 'dev' }, steps: [{ id: 'one', tool: 'shell', args: { command: 'echo {{ inputs.tag }}' } }] });
const resume = { planId: 'resume-r1', plan, resumeRunId: 'r1' };
const edited = { planId: 'resume-r1e1', plan, changes: '~ one: args.command', revises: 'resume-r1' };

describe('changedProposal', () => {
  it('says where the new run runs and which of the run\'s inputs it does not have', () => {
    const next = changedProposal({ ...resume, fromRun: { runId: 'r1', status: 'interrupted', workspace: '/srv/wsA', givenInputs: ['tag'] } }, edited, '/srv/wsB');
    expect(next.resumeRunId).toBeUndefined();
    expect(next.changes?.split('\n')).toEqual([
      "not a resume any more: approving starts a new run in /srv/wsB (run r1 ran in /srv/wsA), with the plan's own tag (not run r1's), and every step runs again",
      'run r1 stays interrupted (ksa cancel r1 undoes what it did)',
      '~ one: args.command',
    ]);
  });

  it('says neither when the run ran here on the plan\'s own inputs', () => {
    const next = changedProposal({ ...resume, fromRun: { runId: 'r1', status: 'paused', workspace: '/srv/wsB', givenInputs: [] } }, edited, '/srv/wsB');
    expect(next.changes?.split('\n')[0]).toBe('not a resume any more: approving starts a new run, and every step runs again');
  });

  it('names the --redis of a run that sent its steps to workers: ksa cancel refuses it without', () => {
    const next = changedProposal({ ...resume, fromRun: { runId: 'r1', status: 'paused', workspace: '/srv/wsB', givenInputs: [], redis: 'redis://queue:6380' } }, edited, '/srv/wsB');
    expect(next.changes?.split('\n')[1]).toBe('run r1 stays paused (ksa cancel r1 --redis redis://queue:6380 undoes what it did)');
    // The chat was started with that Redis (KSA_REDIS_URL or config.json): ksa cancel finds it by itself.
    const configured = changedProposal({ ...resume, fromRun: { runId: 'r1', status: 'paused', workspace: '/srv/wsB', givenInputs: [], redis: 'redis://queue:6380' } }, edited, '/srv/wsB', 'redis://queue:6380/0');
    expect(configured.changes?.split('\n')[1]).toBe('run r1 stays paused (ksa cancel r1 undoes what it did)');
  });

  it('leaves a plan that did not come from a run as it is', () => {
    expect(changedProposal({ planId: 'p1', plan }, edited, '/srv/wsB')).toBe(edited);
  });
});
