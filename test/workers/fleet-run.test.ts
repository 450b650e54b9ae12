import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaEvent, type KsaProcess } from '../helpers/cli.js';
import { ksaJson, type StatusDoc } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { walk } from '../helpers/store-fixtures.js';

// ksa run --redis against a real redis-server and real `ksa worker` processes.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let workDir: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-run-');
  redis = await startRedis();
  workDir = path.join(sandbox.dir, 'ws');
  mkdirSync(workDir);
  workers.push(await startWorker(redis.url, 'build-1', { labels: ['build'], cwd: workDir, home: sandbox.home }));
  workers.push(await startWorker(redis.url, 'web-1', { labels: ['web', 'eu'], cwd: workDir, home: sandbox.home }));
  workers.push(await startWorker(redis.url, 'vault-1', { labels: ['vault'], cwd: workDir, home: sandbox.home, env: { DEPLOY_TOKEN: 'tok-4242-very-secret' } }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const PLAN = `goal: Build here and there
runsOn: [build]
steps:
  - id: compile
    tool: shell
    args: { command: "echo compiled by $KSA_WORKER" }
  - id: restart
    tool: shell
    dependsOn: [compile]
    runsOn: [web]
    args: { command: "echo '{{ steps.compile.output.stdout }}' > restarted.txt; echo restarted by $KSA_WORKER" }
  - id: note
    tool: write_file
    dependsOn: [restart]
    runsOn: [eu, web]
    args: { path: notes/done.txt, content: "done" }
`;

describe('ksa run --redis', () => {
  it('sends each step to a worker with its labels; events, status and the step env name the worker', async () => {
    const planFile = await sandbox.writePlan('labels/plan.yaml', PLAN);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const worker = (type: string, id: string) => eventsOf(events, type, id).map((event) => (event as { worker?: string }).worker);
    expect(worker('step_started', 'compile')).toEqual(['build-1']);
    expect(worker('step_succeeded', 'compile')).toEqual(['build-1']);
    expect(worker('step_succeeded', 'restart')).toEqual(['web-1']);
    expect(worker('step_succeeded', 'note')).toEqual(['web-1']);
    const compile = eventsOf(events, 'step_succeeded', 'compile')[0] as { output: { stdout: string } };
    expect(compile.output.stdout).toBe('compiled by build-1');
    // The worker's own workspace: files are written there, confined to it.
    expect(readFileSync(path.join(workDir, 'restarted.txt'), 'utf8')).toBe('compiled by build-1\n');
    expect(readFileSync(path.join(workDir, 'notes/done.txt'), 'utf8')).toBe('done');
    // The plan print says where each step runs.
    expect(result.stderr).toMatch(/restart runs on a worker with labels web \(live: web-1\)/);
    const status = await ksaJson<StatusDoc>(['status'], { home: sandbox.home });
    expect(status.steps.map((step) => [step.id, step.worker])).toEqual([
      ['compile', 'build-1'],
      ['restart', 'web-1'],
      ['note', 'web-1'],
    ]);
    const table = await runKsa(['status'], { home: sandbox.home });
    expect(table.stdout).toMatch(/^ {2}STEP +STATUS +ATTEMPTS +DURATION +WORKER +DETAIL$/m);
    expect(table.stdout).toMatch(/^ {2}compile +succeeded +1 +\S+ +build-1$/m);
    expect(table.stdout).toMatch(/^ {2}restart +succeeded +1 +\S+ +web-1$/m);
    // One log line per step on the worker.
    expect(workers[0]!.stdout()).toMatch(/✓ \S+ compile \(attempt 1\) shell in/);
  });

  it('lists live workers with ksa workers --json', async () => {
    const doc = await ksaJson<{ workers: { name: string; labels: string[]; pid: number; running: string[] }[] }>(['workers', '--redis', redis.url], { home: sandbox.home });
    expect(doc.workers.map((info) => [info.name, info.labels])).toEqual([
      ['build-1', ['build']],
      ['vault-1', ['vault']],
      ['web-1', ['eu', 'web']],
    ]);
    expect(doc.workers.every((info) => info.pid > 0 && Array.isArray(info.running))).toBe(true);
  });

  it('a step whose labels no worker offers waits, says so, and fails after --worker-wait', async () => {
    const planFile = await sandbox.writePlan('nowhere/plan.yaml', `goal: Nowhere\nsteps:\n  - id: gpu\n    tool: shell\n    runsOn: [gpu]\n    args: { command: "echo never" }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--redis', redis.url, '--worker-wait', '2s'], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toMatch(/warning: no live worker offers labels gpu \(steps: gpu\)/);
    expect(result.stderr).toMatch(/waiting for a worker \(labels: gpu\)/);
    expect(result.stderr).toMatch(/gpu failed: no worker took it within 2s: waiting for a worker \(labels: gpu\)/);
  });

  it('a step that waits in vain never starts (no worker took it): its waiting line, then its failure, without a duration', async () => {
    const planFile = await sandbox.writePlan('nowhere-json/plan.yaml', `goal: Nowhere\nsteps:\n  - id: gpu\n    tool: shell\n    runsOn: [gpu]\n    args: { command: "echo never" }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '2s'], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('failed');
    expect(stepEventTypes(events, 'gpu')).toEqual(['step_output', 'step_failed']);
    const [waiting] = eventsOf(events, 'step_output', 'gpu');
    const [failed] = eventsOf(events, 'step_failed', 'gpu') as unknown as { durationMs?: number; ts: string }[];
    // It never ran: the wait is not its duration (the summary has none either).
    expect(failed).not.toHaveProperty('durationMs');
    expect(Date.parse(failed!.ts) - Date.parse(waiting!.ts)).toBeGreaterThanOrEqual(2000);
    expect(result.stderr).toMatch(/^ +\S+ gpu +failed +– 1 attempt /m);
  });

  it('a step that waits until a worker comes: its waiting line, then started on that worker (events and step log name it)', async () => {
    const planFile = await sandbox.writePlan('late/plan.yaml', `goal: Later\nsteps:\n  - id: late\n    tool: shell\n    runsOn: [late]\n    args: { command: "echo late:$KSA_WORKER" }\n`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--worker-wait', '60s'], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
    await run.waitForOutput((stdout) => stdout.includes('waiting for a worker (labels: late)'), 20_000);
    workers.push(await startWorker(redis.url, 'late-1', { labels: ['late'], cwd: workDir, home: sandbox.home }));
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(stepEventTypes(events, 'late')).toEqual(['step_output', 'step_started', 'step_output', 'step_succeeded']);
    expect(eventsOf(events, 'step_started', 'late')).toEqual([expect.objectContaining({ attempt: 1, worker: 'late-1' })]);
    const [succeeded] = eventsOf(events, 'step_succeeded', 'late') as unknown as { worker?: string; output: { stdout: string } }[];
    expect(succeeded).toMatchObject({ worker: 'late-1', output: { stdout: 'late:late-1' } });
    const log = readFileSync(path.join(sandbox.home, 'runs', events[0]!.runId, 'logs', 'late.log'), 'utf8');
    expect(log).toMatch(/^\[stderr\] waiting for a worker \(labels: late\)\n--- attempt 1 started \S+ on late-1\nlate:late-1\n/);
  });

  it('--local-default runs steps without runsOn here', async () => {
    const planFile = await sandbox.writePlan('local/plan.yaml', `goal: Mixed\nsteps:\n  - id: here\n    tool: shell\n    args: { command: "echo here:$KSA_WORKER:" }\n  - id: there\n    tool: shell\n    runsOn: [build]\n    args: { command: "echo there:$KSA_WORKER:" }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--local-default'], { home: sandbox.home, cwd: path.dirname(planFile), env: { KSA_WORKER: undefined } });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect((eventsOf(events, 'step_succeeded', 'here')[0] as { output: { stdout: string }; worker?: string }).output.stdout).toBe('here::');
    expect((eventsOf(events, 'step_succeeded', 'here')[0] as { worker?: string }).worker).toBeUndefined();
    expect((eventsOf(events, 'step_succeeded', 'there')[0] as { output: { stdout: string } }).output.stdout).toBe('there:build-1:');
  });
});

describe('secrets on a worker', () => {
  it("values of the worker's secret-looking variables are masked in outputs, output lines and errors", async () => {
    const planFile = await sandbox.writePlan('secret/plan.yaml', `goal: Secrets\nsteps:\n  - id: use\n    tool: shell\n    runsOn: [vault]\n    args: { command: "echo token=$DEPLOY_TOKEN; echo bad $DEPLOY_TOKEN >&2; exit 4" }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile) });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('tok-4242-very-secret');
    expect(result.stdout).toContain('token=***');
    expect(workers[2]!.stdout()).not.toContain('tok-4242-very-secret');
  });

  it('secret inputs are masked by the worker too, and leave nothing in Redis once the step has run', async () => {
    const planFile = await sandbox.writePlan(
      'secret-input/plan.yaml',
      `goal: Secret input\ninputs: { dbPassword: "" }\nsteps:\n  - id: ok\n    tool: shell\n    runsOn: [vault]\n    args: { command: "echo pw={{ inputs.dbPassword }}" }\n  - id: use\n    tool: shell\n    runsOn: [vault]\n    dependsOn: [ok]\n    args: { command: "echo again {{ inputs.dbPassword }} >&2; exit 4" }\n`,
    );
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--input', 'dbPassword=pw-7777-hush'], { home: sandbox.home, cwd: path.dirname(planFile) });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain('pw=***');
    expect(result.stdout + result.stderr).not.toContain('pw-7777-hush');
    expect(workers[2]!.stdout()).toMatch(/✗ \S+ use \(attempt 1\) shell/);
    expect(workers[2]!.stdout()).not.toContain('pw-7777-hush');
    // Job data, results, failure reasons and the event streams: all that the run left in Redis.
    const client = new Redis(redis.url);
    try {
      const found: string[] = [];
      for (const key of await client.keys('*')) {
        const type = await client.type(key);
        const values =
          type === 'hash' ? Object.values(await client.hgetall(key))
          : type === 'string' ? [(await client.get(key)) ?? '']
          : type === 'stream' ? (await client.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
          : type === 'list' ? await client.lrange(key, 0, -1)
          : type === 'set' ? await client.smembers(key)
          : type === 'zset' ? await client.zrange(key, '0', '-1')
          : [];
        if (values.some((value) => value.includes('pw-7777-hush'))) found.push(key);
        if (type === 'hash' && (await client.hget(key, 'data'))?.includes('echo pw=***')) found.push('a scrubbed job');
      }
      expect(found).toEqual(['a scrubbed job']);
    } finally {
      client.disconnect();
    }
  });

  it('a private key a step prints on a worker has every line masked there: none reaches Redis or the run', async () => {
    const key = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAwkr7v9Xq2Lm4Np8Rt6Yu1Io3Pa5Sd7Fg9Hj2Kl4Zx6Cv8Bn0', 'Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Qa0Ws2Ed4Rf6Tg8Yh0Uj2Ik4', '-----END RSA PRIVATE KEY-----'];
    writeFileSync(path.join(workDir, 'id_rsa'), `${key.join('\n')}\n`);
    const planFile = await sandbox.writePlan('worker-key/plan.yaml', `goal: Key\nsteps:\n  - id: key\n    tool: shell\n    runsOn: [vault]\n    args: { command: "cat id_rsa; echo shown" }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile) });
    expect(result.code, describeResult(result)).toBe(0);
    expect(eventsOf(parseNdjson(result.stdout), 'step_output', 'key').map((event) => event.line)).toEqual(['***', '***', '***', '***', 'shown']);
    const client = new Redis(redis.url);
    try {
      const found: string[] = [];
      for (const redisKey of await client.keys('*')) {
        const type = await client.type(redisKey);
        const values = type === 'hash' ? Object.values(await client.hgetall(redisKey)) : type === 'string' ? [(await client.get(redisKey)) ?? ''] : type === 'list' ? await client.lrange(redisKey, 0, -1) : type === 'stream' ? (await client.xrange(redisKey, '-', '+')).flatMap(([, fields]) => fields) : [];
        if (values.some((value) => key.slice(1, 3).some((line) => value.includes(line)))) found.push(redisKey);
      }
      expect(found).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('a secret input that is a number leaves nothing in Redis either: in a step env, an http body, and a response that echoes it', async () => {
    const echo = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ received: body ? (JSON.parse(body) as unknown) : null }));
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
      const planFile = await sandbox.writePlan(
        'numeric-secret/plan.yaml',
        `goal: PIN\ninputs: { dbPassword: "", apiKey: 55667788 }\nsteps:\n  - id: env\n    tool: shell\n    runsOn: [vault]\n    args: { command: 'echo "pin-length \${#PW}"', env: { PW: "{{ inputs.dbPassword }}" } }\n  - id: post\n    tool: http\n    runsOn: [vault]\n    args: { url: '${url}', method: POST, body: { pin: "{{ inputs.apiKey }}", n: 3 } }\n`,
      );
      const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, '--input', 'dbPassword=99990000'], { home: sandbox.home, cwd: path.dirname(planFile) });
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stdout).toContain('"line":"pin-length 8"');
      const succeeded = parseNdjson(result.stdout).find((event) => event.type === 'step_succeeded' && event.stepId === 'post') as unknown as { output: { body: unknown } };
      expect(succeeded.output.body).toEqual({ received: { pin: '***', n: 3 } });
      for (const secret of ['99990000', '55667788']) {
        expect(result.stdout + result.stderr).not.toContain(secret);
        expect(workers[2]!.stdout()).not.toContain(secret);
      }
      const client = new Redis(redis.url);
      try {
        const found: string[] = [];
        for (const key of await client.keys('*')) {
          if ((await client.type(key)) !== 'hash') continue;
          const values = Object.values(await client.hgetall(key));
          if (values.some((value) => value.includes('99990000') || value.includes('55667788'))) found.push(key);
          const data = await client.hget(key, 'data');
          if (data?.includes('"PW":"***"')) found.push('the env job, scrubbed');
          if (data?.includes('"pin":"***"')) found.push('the http job, scrubbed');
        }
        expect(found.sort()).toEqual(['the env job, scrubbed', 'the http job, scrubbed']);
      } finally {
        client.disconnect();
      }
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});

describe('bad Redis', () => {
  it('an unreachable URL: one line naming it and the cause, exit 1, no run created', async () => {
    const planFile = await sandbox.writePlan('bad/plan.yaml', `goal: Bad\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo a" }\n`);
    const home = path.join(sandbox.dir, 'bad-home');
    mkdirSync(home);
    const result = await runKsa(['run', planFile, '--yes', '--redis', 'redis://127.0.0.1:1'], { home, cwd: path.dirname(planFile) });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toMatch(/^ksa: cannot use Redis at redis:\/\/127\.0\.0\.1:1: connection refused/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const runs = await ksaJson<{ runs: unknown[] }>(['runs'], { home });
    expect(runs.runs).toEqual([]);
  });

  it('no Redis given anywhere: ksa worker and ksa workers say where one can be given, exit 2', async () => {
    const home = path.join(sandbox.dir, 'no-redis-home');
    mkdirSync(home, { recursive: true });
    for (const command of ['worker', 'workers']) {
      const result = await runKsa([command], { home, env: { KSA_REDIS_URL: undefined } });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr.trim()).toBe(`ksa: no Redis given: pass --redis redis://host:6379, or set KSA_REDIS_URL, or "redis" in ${path.join(home, 'config.json')}`);
    }
  });

  it('a database beyond the server\'s "databases": one line naming it and the limit, exit 2 (not database 0 silently)', async () => {
    for (const command of ['worker', 'workers']) {
      const result = await runKsa([command, '--redis', `${redis.url}/99`], { home: sandbox.home, timeoutMs: 20_000 });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toBe(`ksa: cannot use Redis at ${redis.url}/99: database 99 does not exist (the server has 16 databases, 0 to 15)\n`);
    }
    const last = await runKsa(['workers', '--redis', `${redis.url}/15`, '--json'], { home: sandbox.home });
    expect(last.code, describeResult(last)).toBe(0);
    expect(JSON.parse(last.stdout).workers).toEqual([]);
  });

  it('a URL at something that is not Redis (a web server): one line saying so, exit 1', async () => {
    const web = createServer((_request, response) => response.end('<html>hello</html>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const url = `redis://127.0.0.1:${(web.address() as AddressInfo).port}`;
      const result = await runKsa(['workers', '--redis', url], { home: sandbox.home });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at ${url}: the server there is not a Redis server (it answered something else, or hung up)`);
    } finally {
      web.closeAllConnections();
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('the password of --redis is written as *** when a step prints it, on the worker and in the run', async () => {
    const password = 'pw-7f3a-in-the-url';
    const locked = await startRedis({ password });
    const dir = path.join(sandbox.dir, 'locked');
    const home = path.join(sandbox.home, 'locked');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'seen.txt'), `the worker was started with ${password}\n`);
    const worker = await startWorker(locked.url, 'locked-1', { labels: ['locked'], cwd: dir, home, json: true });
    try {
      const planFile = await sandbox.writePlan('locked/plan.yaml', 'goal: Print what the worker saw\nsteps:\n  - id: show\n    runsOn: [locked]\n    tool: shell\n    args: { command: "cat seen.txt" }\n');
      const run = await runKsa(['run', planFile, '--yes', '--json', '--redis', locked.url], { home, cwd: dir, timeoutMs: 60_000 });
      expect(run.code, describeResult(run)).toBe(0);
      expect(eventsOf(parseNdjson(run.stdout), 'step_succeeded', 'show')[0]!.output).toMatchObject({ stdout: 'the worker was started with ***' });
      expect(run.stdout + run.stderr + worker.stdout() + worker.stderr()).not.toContain(password);
      const stored = (await walk(home)).filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(password));
      expect(stored).toEqual([]);
    } finally {
      await stopAll([worker]);
      await locked.cleanup();
    }
  });

  it('a wrong password: one line, exit 1 (worker and run alike)', async () => {
    const locked = await startRedis({ password: 'right' });
    try {
      const url = `redis://:wrong@127.0.0.1:${locked.port}`;
      const worker = await runKsa(['worker', '--redis', url], { home: sandbox.home });
      expect(worker.code, describeResult(worker)).toBe(1);
      expect(worker.stderr.trim()).toBe(`ksa: cannot use Redis at redis://127.0.0.1:${locked.port}: wrong password (or user)`);
      // Without --redis, the worker takes KSA_REDIS_URL as the other commands do.
      const fromEnv = await runKsa(['worker'], { home: sandbox.home, env: { KSA_REDIS_URL: url } });
      expect(fromEnv.code, describeResult(fromEnv)).toBe(1);
      expect(fromEnv.stderr.trim()).toBe(worker.stderr.trim());
      const noPassword = await runKsa(['workers', '--redis', `redis://127.0.0.1:${locked.port}`], { home: sandbox.home });
      expect(noPassword.code).toBe(1);
      expect(noPassword.stderr).toMatch(/a password is required/);
    } finally {
      await locked.cleanup();
    }
  });
});

/** The types of one step's events, in stream order. */
function stepEventTypes(events: readonly KsaEvent[], stepId: string): string[] {
  return events.filter((event) => event.stepId === stepId).map((event) => event.type);
}
