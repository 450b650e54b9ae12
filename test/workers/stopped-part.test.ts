import { describe, expect, it, vi } from 'vitest';
import type { Outstanding } from '../../src/workers/outstanding-job.js';
import { pinnedNotTaken } from '../../src/workers/step-messages.js';
import { failStoppedPart, stoppedPart } from '../../src/workers/stopped-part.js';
import type { WorkerInfo } from '../../src/workers/worker-registry.js';

function worker(name: string, fields: Partial<WorkerInfo> = {}): WorkerInfo {
  return { name, labels: ['fan'], host: 'h', pid: 1, concurrency: 1, running: [], startedAt: '', lastSeen: '', ...fields };
}

function part(target: string | undefined, phase: 'run' | 'rollback' = 'run') {
  const lost = vi.fn<(reason: string) => void>();
  const entry: Outstanding = { queue: 'q', id: 'run.touch.1.fan-3', call: { stepId: 'touch', attempt: 1, phase, onOutput: () => {} }, labels: ['fan'], target, waitingSince: 0, added: true, waitingShown: false, lost, requeue: async () => {}, active: () => {}, workerLost: () => {}, fromJob: async () => 'waiting' };
  return Object.assign(entry, { lost });
}

describe('a fan-out part queued for a worker that stopped', () => {
  it('fails at once when its worker is stopping, saying it never ran there', () => {
    expect(stoppedPart(part('fan-3'), [worker('fan-2'), worker('fan-3', { stopping: true })], 0)).toBe('not run: worker fan-3 is stopping (it takes no new step) before it took this part of the fan-out');
  });

  it('fails once its worker has been gone from the registry as long as a dead one stays in it, not before', () => {
    const entry = part('fan-3');
    expect(stoppedPart(entry, [worker('fan-3')], 0)).toBeUndefined();
    expect(stoppedPart(entry, [], 1000)).toBeUndefined();
    expect(stoppedPart(entry, [], 11_000)).toBeUndefined();
    expect(stoppedPart(entry, [], 11_001)).toBe('not run: worker fan-3 stopped before it took this part of the fan-out');
    // Back meanwhile (a Redis restart emptied the registry for a heartbeat): counted afresh.
    const back = part('fan-3');
    stoppedPart(back, [], 0);
    expect(stoppedPart(back, [worker('fan-3')], 5000)).toBeUndefined();
    expect(stoppedPart(back, [], 12_000)).toBeUndefined();
  });

  it('leaves a rollback for one worker, and a step for any worker, waiting', () => {
    expect(stoppedPart(part('fan-3', 'rollback'), [worker('fan-3', { stopping: true })], 0)).toBeUndefined();
    expect(stoppedPart(part(undefined), [], 60_000)).toBeUndefined();
  });

  it('takes the job off the queue and fails the part; not when its worker took the job meanwhile', async () => {
    const stopping = [worker('fan-3', { stopping: true })];
    const removed = part('fan-3');
    expect(await failStoppedPart(removed, stopping, { remove: async () => 1 })).toBe(true);
    expect(removed.lost).toHaveBeenCalledWith(expect.stringMatching(/^not run: worker fan-3 is stopping/));
    const taken = part('fan-3');
    expect(await failStoppedPart(taken, stopping, { remove: async () => 0 })).toBe(false);
    expect(taken.lost).not.toHaveBeenCalled();
  });

  it('one not taken within --worker-wait says it is that worker\'s part, not where a step ran', () => {
    expect(pinnedNotTaken(30_000, 'fan-3', 'run')).toBe('not taken within 30s: this part of the fan-out runs only on worker fan-3, which did not take it (is it running?)');
    expect(pinnedNotTaken(30_000, 'fan-3', 'rollback')).toBe('not taken within 30s: it runs only on worker fan-3 (where its step ran), which did not take it (is it running?)');
  });
});
