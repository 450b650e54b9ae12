import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createCliSandbox, describeResult, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup, ksaJson, type StatusDoc } from '../helpers/durable.js';

// A run all of whose steps ran on this machine (no runsOn, none sent to a worker, no Redis recorded) needs no Redis
// to be looked at, paused, resumed or cancelled: a Redis configured since (KSA_REDIS_URL, config.json's "redis")
// is not asked, so one that is down, or takes connections and answers nothing, neither fails nor slows them.

let box: CliSandbox;
const orphans: number[] = [];
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-local-run-redis-');
});
afterAll(async () => {
  for (const pid of orphans) killGroup(pid);
  await box.cleanup();
});

/** Takes every connection and answers nothing: a Redis asked anything would be waited for, then refused. */
async function silentRedis(context: TestContext): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  context.onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => sockets.size };
}

const PLAN = `goal: Here only
steps:
  - id: a
    tool: shell
    args: { command: "echo $$ > a.pid; touch a.started; while [ ! -f go ]; do sleep 0.1; done; echo a >> ran.log" }
  - id: b
    dependsOn: [a]
    tool: shell
    args: { command: "echo \\"b $KSA_WORKER\\" >> ran.log" }
`;

/** A run of PLAN in `dir` (no Redis: none configured yet), its process killed with kill -9 while `a` runs; before that, `whileLive` with it. */
async function killedRun(dir: string, home: string, whileLive: (runId: string) => Promise<void>): Promise<string> {
  await rm(path.join(home, 'config.json'), { force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'plan.yaml'), PLAN);
  const run = startKsa(['run', 'plan.yaml', '--yes', '--json'], { home, cwd: dir, env: { KSA_REDIS_URL: undefined }, timeoutMs: 60_000 });
  await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
  const step = Number(readFileSync(path.join(dir, 'a.pid'), 'utf8'));
  orphans.push(step);
  const { runId } = parseNdjson(run.stdout())[0]!;
  await whileLive(runId);
  run.kill('SIGKILL');
  await run.result;
  killGroup(step);
  return runId;
}

describe.concurrent('a run done on this machine, with a Redis configured that answers nothing', () => {
  it.for(['KSA_REDIS_URL', 'config.json'] as const)('through %s: ksa status, pause, resume and cancel neither need nor touch it', async (where, context) => {
    const home = path.join(box.dir, `${where}-home`);
    const { url, connections } = await silentRedis(context);
    await runKsa(['runs'], { home });
    const env = where === 'KSA_REDIS_URL' ? { KSA_REDIS_URL: url } : { KSA_REDIS_URL: undefined };
    const configured = async () => {
      if (where === 'config.json') await writeFile(path.join(home, 'config.json'), JSON.stringify({ redis: url }));
    };

    const resumed = path.join(box.dir, `${where}-resumed`);
    const runId = await killedRun(resumed, home, async (id) => {
      await configured();
      const paused = await runKsa(['pause', id], { home, cwd: resumed, env });
      expect(paused.code, describeResult(paused)).toBe(0);
      expect((await ksaJson<StatusDoc>(['status', id], { home, cwd: resumed, env })).status).toBe('paused');
    });
    // Paused when its process died: it stays so, with nothing running it.
    expect((await ksaJson<StatusDoc>(['status', runId], { home, cwd: resumed, env })).status).toBe('paused');
    const refused = await runKsa(['pause', runId], { home, cwd: resumed, env });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr.trim()).toBe(`ksa: run ${runId} is paused: no process is running it, so it makes no progress to pause; continue it with: ksa resume ${runId}`);
    await writeFile(path.join(resumed, 'go'), '');
    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: resumed, env, timeoutMs: 30_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    expect(resume.stderr).not.toContain('Redis');
    expect(readFileSync(path.join(resumed, 'ran.log'), 'utf8')).toBe('a\nb \n');

    const cancelled = path.join(box.dir, `${where}-cancelled`);
    const other = await killedRun(cancelled, home, configured);
    const cancel = await runKsa(['cancel', other, '--yes'], { home, cwd: cancelled, env, timeoutMs: 30_000 });
    expect(cancel.code, describeResult(cancel)).toBe(0);
    expect((await ksaJson<StatusDoc>(['status', other], { home, cwd: cancelled, env })).status).toBe('cancelled');
    expect(connections(), 'connections to the configured Redis').toBe(0);
  });
});
