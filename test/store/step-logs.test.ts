import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/planning/index.js';
import { readLogTail, StepLogs } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';

// Full step logs beside the run: one <stepId>.log per step, attempts marked,
// and the tail readable for `ksa status`.

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-logs-'));
});
afterEach(async () => {
  await cleanup();
});

function event(type: string, stepId: string, extra: Record<string, unknown> = {}): RunEvent {
  return { type, runId: 'r', ts: '2026-01-01T00:00:00.000Z', stepId, attempt: 1, ...extra } as unknown as RunEvent;
}

describe('StepLogs', () => {
  it('close() flushes the logs of steps still running', async () => {
    const logs = new StepLogs(path.join(dir, 'logs'));
    logs.onEvent(event('step_started', 'a'));
    for (let i = 0; i < 500; i++) logs.onEvent(event('step_output', 'a', { stream: 'stdout', line: `line ${i}` }));
    await logs.close();
    const text = readFileSync(path.join(dir, 'logs', 'a.log'), 'utf8');
    expect(text.split('\n').filter((line) => line.startsWith('line '))).toHaveLength(500);
  });

  it('close() resolves only once the log of a step that already ended is on disk', async () => {
    const logs = new StepLogs(path.join(dir, 'logs'));
    logs.onEvent(event('step_started', 'a'));
    logs.onEvent(event('step_output', 'a', { stream: 'stdout', line: 'the last words' }));
    logs.onEvent(event('step_failed', 'a', { error: 'exit 3' }));
    await logs.close();
    const file = path.join(dir, 'logs', 'a.log');
    // Synchronously, right after close(): nothing may still be pending.
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '<no file>').toContain('--- failed: exit 3');
  });

  it('attempts are marked, retries and failures noted', async () => {
    const logs = new StepLogs(path.join(dir, 'logs'));
    logs.onEvent(event('step_started', 'b'));
    logs.onEvent(event('step_output', 'b', { stream: 'stderr', line: 'oops' }));
    logs.onEvent(event('step_retrying', 'b', { attempt: 2, error: 'exit 1' }));
    logs.onEvent(event('step_started', 'b', { attempt: 2 }));
    logs.onEvent(event('step_output', 'b', { stream: 'stdout', line: 'fine now', attempt: 2 }));
    await logs.close();
    expect(readFileSync(path.join(dir, 'logs', 'b.log'), 'utf8')).toBe(
      ['--- attempt 1 started 2026-01-01T00:00:00.000Z', '[stderr] oops', '--- attempt 2 failed: exit 1', '--- attempt 2 started 2026-01-01T00:00:00.000Z', 'fine now', ''].join('\n'),
    );
  });

  it('an attempt on a worker names it, so a retry on another machine can be told apart', async () => {
    const logs = new StepLogs(path.join(dir, 'logs'));
    logs.onEvent(event('step_started', 'c', { worker: 'web-b' }));
    logs.onEvent(event('step_retrying', 'c', { error: 'exit 1', worker: 'web-b' }));
    logs.onEvent(event('step_started', 'c', { attempt: 2, worker: 'web-a' }));
    logs.onEvent(event('step_failed', 'c', { attempt: 2, error: 'exit 2', worker: 'web-a' }));
    await logs.close();
    expect(readFileSync(path.join(dir, 'logs', 'c.log'), 'utf8')).toBe(
      ['--- attempt 1 started 2026-01-01T00:00:00.000Z on web-b', '--- attempt 1 failed on web-b: exit 1', '--- attempt 2 started 2026-01-01T00:00:00.000Z on web-a', '--- failed on web-a: exit 2', ''].join('\n'),
    );
  });

  it('a log directory that cannot be created is reported once and the run goes on', async () => {
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, '');
    const errors: string[] = [];
    const logs = new StepLogs(path.join(blocker, 'logs'), (message) => errors.push(message));
    logs.onEvent(event('step_started', 'a'));
    logs.onEvent(event('step_output', 'a', { stream: 'stdout', line: 'x' }));
    await logs.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot keep step logs/);
  });

  it('readLogTail returns the last lines, [] for a missing log, and copes with a tail cut mid-line', async () => {
    await writeFile(path.join(dir, 'a.log'), Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n\n');
    expect(await readLogTail(dir, 'a', 3)).toEqual(['line 97', 'line 98', 'line 99']);
    expect(await readLogTail(dir, 'missing', 3)).toEqual([]);
    const tail = await readLogTail(dir, 'a', 1000, 20);
    expect(tail.every((line) => /^line \d+$/.test(line))).toBe(true);
    expect(tail.at(-1)).toBe('line 99');
  });
});
