import { describe, expect, it } from 'vitest';
import { BLOCKED_PORT_LIST, blockedPort } from '../../src/tools/fetch-ports.js';

// The list is Node's own: every port on it is refused by this Node's fetch, and its neighbours are not.

async function fetchRefusal(port: number): Promise<string> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    return 'answered';
  } catch (error) {
    return String((error as { cause?: { message?: string } }).cause?.message ?? error);
  }
}

describe('blockedPort', () => {
  it('names exactly the ports this Node refuses as "bad port"', async () => {
    const listed = await Promise.all(BLOCKED_PORT_LIST.map(fetchRefusal));
    expect(listed.every((reason) => reason === 'bad port')).toBe(true);
    const neighbours = BLOCKED_PORT_LIST.map((port) => port + 1).filter((port) => blockedPort(new URL(`http://127.0.0.1:${port}`)) === undefined);
    const reasons = await Promise.all(neighbours.map(fetchRefusal));
    expect(reasons.filter((reason) => reason === 'bad port')).toEqual([]);
  });

  it('reads the scheme default when the URL has no port', () => {
    expect(blockedPort(new URL('http://127.0.0.1:6000/v1'))).toBe(6000);
    expect(blockedPort(new URL('http://localhost:11434/v1'))).toBeUndefined();
    expect(blockedPort(new URL('https://api.openai.com/v1'))).toBeUndefined();
  });
});
