import { describe, expect, it } from 'vitest';
import { withoutFetch } from '../../src/cli/without-fetch.js';

// The chat loads its TUI while fetch reads as undefined (so yoga does not make Node load undici); fetch comes back after.

describe('withoutFetch', () => {
  it('fetch reads as undefined while loading, and is the same function again afterwards', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    let seen: unknown = 'not read';
    const value = await withoutFetch(async () => {
      seen = typeof (globalThis as { fetch?: unknown }).fetch;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 42;
    });
    expect(value).toBe(42);
    expect(seen).toBe('undefined');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
    expect(typeof globalThis.fetch).toBe('function');
  });

  it('restores fetch when loading fails, synchronously or not', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    await expect(withoutFetch(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
    expect(() =>
      withoutFetch(() => {
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
  });
});
