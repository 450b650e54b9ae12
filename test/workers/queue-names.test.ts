import { describe, expect, it } from 'vitest';
import { jobId, labelQueue, labelSubsets, workerQueue } from '../../src/workers/queue-names.js';

describe('queue names and job ids', () => {
  it('one queue per label set, order-independent; none of them contains ":"', () => {
    expect(labelQueue([])).toBe('steps');
    expect(labelQueue(['web', 'eu'])).toBe(labelQueue(['eu', 'web']));
    expect(labelQueue(['web', 'eu'])).toBe('steps-eu+web');
    expect(workerQueue('host-1.example')).toBe('worker-host-1.example');
    for (const name of [labelQueue(['a', 'b']), workerQueue('w')]) expect(name).not.toContain(':');
  });

  it('a worker listens to every subset of its labels, so a step asking for fewer labels reaches it', () => {
    const queues = labelSubsets(['web', 'eu', 'gpu']).map(labelQueue);
    expect(queues).toHaveLength(8);
    expect(queues).toContain('steps');
    expect(queues).toContain(labelQueue(['web']));
    expect(queues).toContain(labelQueue(['gpu', 'web']));
    expect(queues).toContain(labelQueue(['eu', 'gpu', 'web']));
    expect(queues).not.toContain(labelQueue(['db']));
  });

  it('job ids: run, step and attempt (the same attempt is the same job), never ":" nor an integer', () => {
    const id = jobId({ runId: '20261201-221951-b2d8', stepId: 'deploy_web', attempt: 2, phase: 'run' });
    expect(id).toBe('20261201-221951-b2d8.deploy_web.2');
    expect(jobId({ runId: 'r', stepId: 's', attempt: 2, phase: 'run' })).toBe(jobId({ runId: 'r', stepId: 's', attempt: 2, phase: 'run' }));
    expect(jobId({ runId: 'r', stepId: 's', attempt: 1, phase: 'run', worker: 'web-1' })).toBe('r.s.1.web-1');
    expect(jobId({ runId: 'r', stepId: 's', attempt: 3, phase: 'rollback', worker: 'web-1' })).toBe('r.s.rollback.web-1');
    expect(id).not.toContain(':');
  });
});
