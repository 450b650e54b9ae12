import { describe, expect, it } from 'vitest';
import { describeResult, freePort, runKsa } from '../helpers/cli.js';

// `ksa worker --json` logs one JSON object per line, for whatever reads it line by line (jq -c, a
// log shipper): a worker that cannot start says why in one such line too.

describe('ksa worker --json', () => {
  it('a failure to start is one JSON object on one line of stdout', async () => {
    const port = await freePort();
    const result = await runKsa(['worker', '--redis', `redis://127.0.0.1:${port}`, '--name', 'w-json', '--json'], { timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines, describeResult(result)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ error: `cannot use Redis at redis://127.0.0.1:${port}: connection refused (is redis-server running there?)` });
  }, 60_000);
});
