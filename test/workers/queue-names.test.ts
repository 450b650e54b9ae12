import { describe, expect, it } from 'vitest';
import { jobId, labelQueue, labelSubsets, stepJobData, workerQueue } from '../../src/workers/queue-names.js';

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

  it("a job names the run's secrets its arguments hold and the credentials typed into them, for the worker to take out", () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const key = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----';
    const call = { stepId: 's', attempt: 1, phase: 'run' as const, tool: 'shell', args: { command: 'psql postgres://app:Hush-42@db/x -c "select {{x}}" && echo pw-given', env: { TOKEN: token, KEY: key, PORT: '8080' } } };
    const data = stepJobData('r', call, { secrets: ['pw-given', 'not-in-args'] });
    expect([...(data.secrets ?? [])].sort()).toEqual(['Hush-42', key, token, 'pw-given'].sort());
    expect(stepJobData('r', { ...call, args: { command: 'echo sk-api-7d9f8c6b5d-x2x4z nginx@sha256:abc http://localhost:8080/x' } }, {}).secrets).toBeUndefined();
  });
});
