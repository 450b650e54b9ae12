import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A Redis URL that cannot be used as written (a port out of range, a space in the host, a bracket left open,
// `redis:/` for `redis://`) is named in the one-line error with its password as ***, as a URL that parses is:
// a terminal, a CI log or a screenshot of the error is no place for it.

let box: CliSandbox;
beforeAll(async () => {
  box = await createCliSandbox('ksa-redis-url-password-');
});
afterAll(async () => {
  await box.cleanup();
});

describe('a malformed --redis URL with a password', () => {
  it.each([
    ['redis://:s3cret@host:99999', 'cannot use Redis at redis://:***@host:99999: not a URL'],
    ['redis://:s3cret@bad host:1', 'cannot use Redis at redis://:***@bad host:1: not a URL'],
    ['redis://u:s3cret@[::1:16391', 'cannot use Redis at redis://u:***@[::1:16391: not a URL'],
    ['redis:/:s3cret@localhost:16391/x', 'cannot use Redis at redis:/:***@localhost:16391/x: not a URL (expected redis://[user:password@]host[:port][/db])'],
    ['redis://s3cret@bad host:1', 'cannot use Redis at redis://***@bad host:1: not a URL'],
    // A % that is not %XX: decoding it threw a URIError ("unexpected error: URI malformed").
    ['redis://:s3cret%PW@localhost', 'cannot use Redis at redis://localhost: its password holds a % that is not %XX (write a % in it as %25)'],
    ['redis://u%zz:s3cret@localhost', 'cannot use Redis at redis://localhost: its user name holds a % that is not %XX (write a % in it as %25)'],
  ])('ksa workers --redis %s names it with the password masked', async (url, said) => {
    const result = await runKsa(['workers', '--redis', url], { home: box.home, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(`ksa: ${said}`);
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret');
  });

  it('KSA_REDIS_URL, as ksa run reads it, likewise', async () => {
    const plan = await box.writePlan('plan.yaml', 'goal: Masked\nsteps:\n  - { id: a, tool: shell, args: { command: "true" } }\n');
    const result = await runKsa(['run', plan, '--yes'], { home: box.home, env: { KSA_REDIS_URL: 'redis://:s3cret@host:99999' }, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('cannot use Redis at redis://:***@host:99999 (from KSA_REDIS_URL): not a URL');
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret');
  });
});
