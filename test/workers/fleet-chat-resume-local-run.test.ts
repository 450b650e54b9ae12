import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { reflectionReply } from '../helpers/chat-script.js';
import { eventually, parseNdjson, startKsa } from '../helpers/cli.js';
import { killGroup } from '../helpers/durable.js';
import { sharedFleet } from '../helpers/fleet.js';

// The chat's /resume of a run done on this machine alone (no runsOn, no step sent to a worker, no Redis recorded)
// goes on here, as ksa resume does: a Redis configured since, with a worker live on it, gets none of its steps.

const fleet = sharedFleet('ksa-fleet-chat-resume-local-');
const orphans: number[] = [];
beforeAll(async () => {
  await fleet.worker('local-w1', []);
}, 60_000);
afterAll(() => {
  for (const pid of orphans) killGroup(pid);
});

/** Each step says where it ran (KSA_WORKER is set on a worker) in ran.log, by its path: a worker works in another folder. */
const plan = (dir: string) => `goal: Here only
steps:
  - id: a
    tool: shell
    args: { command: "echo $$ > ${dir}/a.pid; touch ${dir}/a.started; while [ ! -f ${dir}/go ]; do sleep 0.1; done; echo \\"a $KSA_WORKER\\" >> ${dir}/ran.log" }
  - id: b
    dependsOn: [a]
    tool: shell
    args: { command: "echo \\"b $KSA_WORKER\\" >> ${dir}/ran.log" }
`;

describe("the chat's /resume of a run done on this machine alone, with a Redis configured", () => {
  it.for(['KSA_REDIS_URL', 'config.json'] as const)('through %s: its steps run in the chat, none on the live worker, and no Redis is recorded', { timeout: 90_000 }, async (where, context) => {
    const harness = await chatHarnessFor(context);
    const { home, dir } = harness.sandbox;
    writeFileSync(path.join(dir, 'plan.yaml'), plan(dir));
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json'], { home, cwd: dir, env: { KSA_REDIS_URL: undefined }, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(dir, 'a.started')) ? true : undefined), 20_000);
    const { runId } = parseNdjson(run.stdout())[0]!;
    run.kill('SIGKILL');
    await run.result;
    const step = Number(readFileSync(path.join(dir, 'a.pid'), 'utf8'));
    orphans.push(step);
    killGroup(step);

    if (where === 'config.json') writeFileSync(path.join(home, 'config.json'), JSON.stringify({ redis: fleet.redis.url }));
    writeFileSync(path.join(dir, 'go'), '');
    harness.server.enqueue(reflectionReply({ success: true, summary: 'Resumed.', issues: [], suggestions: [] }));
    const chat = await harness.open([], { env: { KSA_REDIS_URL: where === 'KSA_REDIS_URL' ? fleet.redis.url : undefined } });
    await chat.send(`/resume ${runId}`);
    await chat.waitForScreen(`resumes run ${runId}`, 15_000);
    chat.press('enter');
    await chat.waitForScreen(`✓ Run ${runId} succeeded`, 30_000);
    expect(readFileSync(path.join(dir, 'ran.log'), 'utf8')).toBe('a \nb \n');
    expect(JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8')).redis).toBeUndefined();
    expect(await chat.quit()).toMatchObject({ exitCode: 0, timedOut: false });
  });
});
