import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, freePort, runKsa, type CliSandbox } from '../helpers/cli.js';

// `--json` promises one JSON document on stdout: a command that fails says so in one too (its line on
// stderr stays), so `ksa … --json | jq` reads a reason, not a parse error.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-json-failures-');
});
afterAll(() => sandbox.cleanup());

function expectFailureDocument(result: Awaited<ReturnType<typeof runKsa>>, code: number, message: RegExp): void {
  expect(result.code, describeResult(result)).toBe(code);
  const document = JSON.parse(result.stdout) as { error: string };
  expect(document.error).toMatch(message);
  expect(result.stderr).toContain(`ksa: ${document.error}`);
}

describe.concurrent('a failing command with --json', () => {
  it('status, cancel and pause of runs that are not there', async () => {
    const home = `${sandbox.home}/empty`;
    expectFailureDocument(await runKsa(['status', '--json'], { home, cwd: sandbox.dir }), 2, /no runs yet/);
    expectFailureDocument(await runKsa(['cancel', 'nope', '--json'], { home, cwd: sandbox.dir }), 2, /no run "nope"/);
    expectFailureDocument(await runKsa(['pause', 'nope', '--json'], { home, cwd: sandbox.dir }), 2, /no run "nope"/);
  });

  it('policy check of a missing plan, and model list against an endpoint that is down', async () => {
    expectFailureDocument(await runKsa(['policy', 'check', 'missing.yaml', '--json'], { home: sandbox.home, cwd: sandbox.dir }), 2, /missing\.yaml/);
    const port = await freePort();
    const list = await runKsa(['model', 'list', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'x', KSA_MODEL: 'm' } });
    expectFailureDocument(list, 1, /cannot reach the model endpoint/);
  });

  it('ksa model check, whose report says the check failed, writes only that report', async () => {
    const port = await freePort();
    const check = await runKsa(['model', 'check', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'x', KSA_MODEL: 'm' } });
    expect(check.code, describeResult(check)).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ answers: false });
  });

  it('ksa plan, which writes its own failure document, writes it once', async () => {
    const port = await freePort();
    const plan = await runKsa(['plan', 'deploy it', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'x', KSA_MODEL: 'm' } });
    expectFailureDocument(plan, 1, /cannot reach the model endpoint/);
  });
});
