import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCliFor, singleFailureLine } from '../helpers/agent-cli.js';
import { BAD_REDIS_URLS } from '../helpers/bad-redis-urls.js';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { describeResult } from '../helpers/cli.js';
import { planReply } from '../helpers/fake-openai-server.js';
import { spawnKsaPty } from '../helpers/pty.js';

// A Redis URL ksa cannot use as written is refused by ksa ask and ksa chat before the model is asked (and before the
// chat's first frame), in the line and with the exit code ksa run --redis gives it: not once a plan was paid for.

const PLAN = { goal: 'Touch', steps: [{ id: 'a', tool: 'shell', args: { command: 'touch ran' } }] };
const BAD = BAD_REDIS_URLS;

describe.concurrent('a Redis URL ksa cannot use as written', () => {
  it.for(BAD)('$url: ksa ask (--redis or KSA_REDIS_URL) refuses it before the model is asked, as ksa run does', async ({ url, shown, reason }, context) => {
    const cli = await agentCliFor(context);
    const line = `ksa: cannot use Redis at ${shown}: ${reason}`;
    const plan = await cli.sandbox.writePlan('plan.yaml', 'goal: Touch\nsteps:\n  - { id: a, tool: shell, args: { command: "touch ran" } }\n');
    const run = await cli.ksa(['run', plan, '--yes', '--redis', url]);
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(line);
    // Where the URL came from is named when no --redis gave it: neither command line shows it.
    const config = path.join(cli.sandbox.home, 'config.json');
    const given = [
      { args: ['--redis', url], env: {}, said: line },
      { args: [], env: { KSA_REDIS_URL: url }, said: `ksa: cannot use Redis at ${shown} (from KSA_REDIS_URL): ${reason}` },
      { args: [], env: { KSA_REDIS_URL: undefined }, config: true, said: `ksa: cannot use Redis at ${shown} (from "redis" in ${config}): ${reason}` },
    ];
    for (const { args, env, config: inConfig, said } of given) {
      if (inConfig) await writeFile(config, JSON.stringify({ redis: url }));
      cli.server.enqueue({ text: 'Planning.', toolCalls: [{ name: 'propose_plan', arguments: { goal: 'touch' } }] }, planReply(PLAN), { text: 'Plan ready.' });
      for (const yes of [['--yes'], []]) {
        const result = await cli.ksa(['ask', ...yes, ...args, 'touch a file'], { env });
        expect(result.code, describeResult(result)).toBe(run.code);
        expect(singleFailureLine(result)).toBe(said);
        expect(result.stdout).toBe('');
        expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret');
      }
    }
    expect(cli.server.requests).toHaveLength(0);
  });

  it.for(BAD)('$url: ksa chat (KSA_REDIS_URL, config.json) refuses it before its first frame, naming where it came from, and asks the model nothing', async ({ url, shown, reason }, context) => {
    const harness = await chatHarnessFor(context);
    const config = path.join(harness.sandbox.home, 'config.json');
    const term = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, cols: 240, env: { ...harness.env, KSA_REDIS_URL: url } });
    context.onTestFinished(() => term.dispose());
    expect(await term.exited).toMatchObject({ exitCode: 2 });
    expect(await term.screen()).toContain(`ksa: cannot use Redis at ${shown} (from KSA_REDIS_URL): ${reason}`);
    await writeFile(config, JSON.stringify({ redis: url }));
    const fromConfig = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, cols: 400, env: { ...harness.env, KSA_REDIS_URL: undefined } });
    context.onTestFinished(() => fromConfig.dispose());
    expect(await fromConfig.exited).toMatchObject({ exitCode: 2 });
    expect((await fromConfig.screen()).replace(/\n/g, '')).toContain(`ksa: cannot use Redis at ${shown} (from "redis" in ${config}): ${reason}`);
    const screen = await term.screen();
    expect(screen).not.toMatch(/ · ready · /);
    expect(screen).not.toContain('s3cret');
    expect(harness.server.requests).toHaveLength(0);
  });
});
