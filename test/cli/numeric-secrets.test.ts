import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';
import { walk } from '../helpers/store-fixtures.js';

// A secret input that is a short number is hidden in what users and tools gave, never in ksa's own ids and times.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
let echo: Server;
let echoUrl: string;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-numeric-secrets-');
  // Sends back the JSON body it got, as many APIs do.
  echo = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ received: body ? (JSON.parse(body) as unknown) : null }));
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await new Promise((resolve) => echo.close(resolve));
  await sandbox.cleanup();
});

function filesContaining(home: string, entries: { rel: string; dir: boolean }[], secret: string): string[] {
  return entries.filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(secret)).map((entry) => entry.rel);
}

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.concurrent('numeric secret inputs', () => {
  it("a secret input equal to this year (dbPassword: 2026) leaves the run id, times and durations whole in --json, run.json, the runs index and ksa status; the step's output still hides it", async () => {
    const year = String(new Date().getUTCFullYear());
    const home = path.join(sandbox.home, 'year', 'ksa-home');
    const plan = await sandbox.writePlan(
      'year/plan.yaml',
      `goal: short pin
inputs:
  dbPassword: ${year}
steps:
  - id: a
    tool: shell
    args: { command: 'echo "pin is $PW"; test -e fast', env: { PW: "{{ string(inputs.dbPassword) }}" } }
`,
    );
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: path.dirname(plan) });
    expectExit(result, 1);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const event of events) {
      expect(event.runId, JSON.stringify(event)).toMatch(RUN_ID);
      expect(event.ts, JSON.stringify(event)).toMatch(TIME);
    }
    const runId = events[0]!.runId as string;
    // A run id starts with the date: the secret is in it.
    expect(runId).toContain(year);
    expect(events.find((event) => event.type === 'step_output')?.line).toBe('pin is ***');
    expect(typeof events.find((event) => event.type === 'run_finished')?.durationMs).toBe('number');

    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8'));
    expect(record.runId).toBe(runId);
    expect(record.state.runId).toBe(runId);
    for (const time of [record.createdAt, record.state.startedAt, record.state.endedAt, record.state.steps.a.startedAt, record.state.steps.a.endedAt, record.approvals[0].approvedAt]) expect(time).toMatch(TIME);
    expect(record.plan.inputs.dbPassword).toBe('***');
    const log = readFileSync(path.join(home, 'runs', runId, 'logs', 'a.log'), 'utf8');
    expect(log).toContain('pin is ***');
    expect(log).toContain(`--- attempt 1 started ${record.state.steps.a.startedAt}`);
    const index = JSON.parse(readFileSync(path.join(home, 'runs', 'index.json'), 'utf8'));
    expect(index.entries.map((entry: { runId: string }) => entry.runId)).toEqual([runId]);

    const status = await runKsa(['status', runId, '--json'], { home, cwd: path.dirname(plan) });
    expectExit(status, 0);
    const shown = JSON.parse(status.stdout);
    expect(shown.startedAt).toMatch(TIME);
    expect(typeof shown.durationMs).toBe('number');
    expect(typeof shown.steps[0].durationMs).toBe('number');
    const text = await runKsa(['status', runId], { home, cwd: path.dirname(plan) });
    expect(text.stdout).toContain(`Run ${runId}`);
    expect(text.stdout).toMatch(new RegExp(`started ${year}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d · took \\d+ms`));

  });

  it('ksa resume of a run whose secret input is this year names the run by its id and ends it with whole times', async () => {
    const year = String(new Date().getUTCFullYear());
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'year-resume', leftovers, { inputs: { dbPassword: year } });
    ksa.kill('SIGKILL');
    await ksa.result;
    expect(runId).toContain(year);
    expect(JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')).runId).toBe(runId);
    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--input', `dbPassword=${year}`], { home, cwd: dir });
    expectExit(resume, 0);
    expect(resume.stdout + resume.stderr).toContain(runId);
    expect(resume.stdout + resume.stderr).not.toMatch(/run \*\*\*/);
    const after = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8'));
    expect(after.runId).toBe(runId);
    expect(after.state.status).toBe('succeeded');
    for (const time of [after.createdAt, after.state.startedAt, after.state.endedAt, ...Object.values(after.state.steps).map((step) => (step as { endedAt: string }).endedAt)]) expect(time).toMatch(TIME);
  });

  it('a numeric secret echoed back in a JSON response is *** in the --json output and run.json, as a text secret is', async () => {
    const home = path.join(sandbox.home, 'echo', 'ksa-home');
    const plan = await sandbox.writePlan(
      'echo/plan.yaml',
      `goal: echo
inputs:
  apiKey: 55667788
  dbPassword: text-pass-4242
steps:
  - id: post
    tool: http
    args: { url: '${echoUrl}', method: POST, body: { pin: "{{ inputs.apiKey }}", pw: "{{ inputs.dbPassword }}", count: 3 } }
`,
    );
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: path.dirname(plan) });
    expectExit(result, 0);
    const succeeded = result.stdout.split('\n').find((line) => line.includes('"step_succeeded"'))!;
    expect(JSON.parse(succeeded).output.body).toEqual({ received: { pin: '***', pw: '***', count: 3 } });
    const [runJson] = (await walk(home)).filter((entry) => entry.rel.endsWith('run.json'));
    expect(JSON.parse(readFileSync(path.join(home, runJson!.rel), 'utf8')).state.steps.post.output.body).toEqual({ received: { pin: '***', pw: '***', count: 3 } });
    for (const secret of ['55667788', 'text-pass-4242']) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(filesContaining(home, await walk(home), secret)).toEqual([]);
    }
  });

  it("a secret input's plan default is not stored when --input gives another value", async () => {
    const home = path.join(sandbox.home, 'defaults', 'ksa-home');
    const plan = await sandbox.writePlan(
      'defaults/plan.yaml',
      `goal: defaults
inputs:
  dbPassword: hunter2-default
  apiKey: 55667788
  region: eu-west-1
steps:
  - id: a
    tool: shell
    args: { command: 'echo "{{ inputs.region }} {{ inputs.apiKey }}"' }
`,
    );
    const result = await runKsa(['run', plan, '--yes', '--json', '--input', 'dbPassword=other-pass-1', '--input', 'apiKey=11112222'], { home, cwd: path.dirname(plan) });
    expectExit(result, 0);
    const [runJson] = (await walk(home)).filter((entry) => entry.rel.endsWith('run.json'));
    const record = JSON.parse(readFileSync(path.join(home, runJson!.rel), 'utf8'));
    expect(record.plan.inputs).toEqual({ dbPassword: '***', apiKey: '***', region: 'eu-west-1' });
    expect(result.stdout).toContain('"line":"eu-west-1 ***"');
    for (const secret of ['hunter2-default', '55667788', 'other-pass-1', '11112222']) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(filesContaining(home, await walk(home), secret)).toEqual([]);
    }
  });

  it("a secret input equal to a step's timeout leaves ksa's own timeout message whole, and still hides it in the tool's error", async () => {
    const home = path.join(sandbox.home, 'timeout', 'ksa-home');
    const plan = await sandbox.writePlan(
      'timeout/plan.yaml',
      `goal: timeout pin
inputs: { dbPassword: "" }
steps:
  - id: slow
    tool: shell
    timeoutMs: 1206
    retry: { maxAttempts: 2, initialDelayMs: 10 }
    args: { command: 'if [ ! -f once ]; then touch once; sleep 5; fi; echo "bad pin 1206" >&2; exit 3' }
`,
    );
    const result = await runKsa(['run', plan, '--yes', '--json', '--input', 'dbPassword=1206'], { home, cwd: path.dirname(plan) });
    expectExit(result, 1);
    const own = 'attempt 1 timed out after 1206 ms (raise timeoutMs if the step needs longer)';
    const events = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; error?: string });
    expect(events.find((event) => event.type === 'step_retrying')?.error).toBe(own);
    const failed = events.find((event) => event.type === 'step_failed')?.error ?? '';
    expect(failed).toContain('bad pin ***');
    expect(failed).not.toContain('1206');
    expect(result.stderr).toContain(`slow attempt 1 failed: ${own}`);
    const entries = await walk(home);
    const runJson = JSON.parse(readFileSync(path.join(home, entries.find((entry) => entry.rel.endsWith('run.json'))!.rel), 'utf8')) as { state: { error: string; steps: { slow: { error: string } } } };
    expect(runJson.state.steps.slow.error).toBe(failed);
    expect(runJson.state.error).toBe(`step "slow" failed: ${failed}`);
    const log = readFileSync(path.join(home, entries.find((entry) => entry.rel.endsWith('slow.log'))!.rel), 'utf8');
    expect(log).toContain(`--- attempt 1 failed: ${own}`);
    expect(log).toContain('[stderr] bad pin ***');
    expect(log).not.toContain('bad pin 1206');
  });
});
