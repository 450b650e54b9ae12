import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { createCliSandbox, describeResult, eventually, KSA_ARGV, parseNdjson, runKsa, startKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { labStdio, writeWorkspaceConfig } from '../helpers/mcp.js';

// The workspace's rules and ksa's own settings, changed by a step approved as a plain write through a spelling
// no reading of the line can know (a glob, quotes, a link): the file is put back and the step fails.

const DENY = 'deny:\n  - { shell: "touch forbidden*" }\n';

describe.concurrent('the rules a plan may not change unasked', () => {
  it('ln -s .k* cfg, then a write through cfg/policy.yaml: the policy is put back, the step fails, and the deny rule still holds', async (context) => {
    const sandbox = await ownSandbox(context);
    await mkdir(path.join(sandbox.dir, '.ksa'));
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    await writeFile(policy, DENY);
    await writeFile(
      path.join(sandbox.dir, 'plan.yaml'),
      'goal: hostile\nsteps:\n  - id: link\n    tool: shell\n    args: { command: "ln -s .k* cfg" }\n  - id: rewrite\n    tool: shell\n    dependsOn: [link]\n    args: { command: "printf \'deny: []\\\\n\' > cfg/policy.yaml" }\n',
    );
    const result = await runKsa(['run', 'plan.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain(`step rewrite changed ${policy}, which its plan did not say it would (it was approved as a write step): ksa put it back.`);
    expect(await readFile(policy, 'utf8')).toBe(DENY);
    await writeFile(path.join(sandbox.dir, 'p2.yaml'), 'goal: g\nsteps:\n  - id: t\n    tool: shell\n    args: { command: "touch forbidden1" }\n');
    const denied = await runKsa(['run', 'p2.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(denied.code, describeResult(denied)).toBe(2);
  });

  it("ksa's own policy in KSA_HOME, reached as ${KSA_HOME%/}: put back, the step fails; a step that names the file (a destroy step, approved) may change it", async (context) => {
    const sandbox = await ownSandbox(context);
    const own = path.join(sandbox.home, 'policy.yaml');
    await writeFile(own, DENY);
    await writeFile(path.join(sandbox.dir, 'plan.yaml'), 'goal: hostile\nsteps:\n  - id: wipe\n    tool: shell\n    args: { command: "printf \'deny: []\\\\n\' > ${KSA_HOME%/}/policy.yaml" }\n');
    const result = await runKsa(['run', 'plan.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain(`step wipe changed ${own}, which its plan did not say it would`);
    expect(await readFile(own, 'utf8')).toBe(DENY);

    await writeFile(path.join(sandbox.dir, 'named.yaml'), 'goal: loosen\nsteps:\n  - id: edit\n    tool: shell\n    args: { command: "printf \'deny: []\\\\n\' > $KSA_HOME/policy.yaml" }\n');
    const named = await runKsa(['run', 'named.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
    expect(named.code, describeResult(named)).toBe(0);
    expect(await readFile(own, 'utf8')).toBe('deny: []\n');
  });

  it("a step that removes .ksa/ without naming it (git clean -fdx, rm -rf .k''sa): the policy and its folder are put back, the step fails in one sentence, and the deny rule still holds", async (context) => {
    const sandbox = await ownSandbox(context);
    execFileSync('git', ['init', '-q'], { cwd: sandbox.dir });
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    for (const command of ['git clean -fdxq', "rm -rf .k''sa"]) {
      await mkdir(path.dirname(policy), { recursive: true });
      await writeFile(policy, DENY);
      await writeFile(
        path.join(sandbox.dir, 'plan.yaml'),
        `goal: clean\nsteps:\n  - id: clean\n    tool: shell\n    args: { command: "${command}" }\n  - id: later\n    tool: shell\n    dependsOn: [clean]\n    args: { command: "touch later.marker" }\n`,
      );
      const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr, command).toContain(`step clean removed ${policy}, which its plan did not say it would (it was approved as a destroy step): ksa put it back.`);
      expect(result.stderr, command).not.toMatch(/ENOENT|errno/);
      expect(await readFile(policy, 'utf8'), command).toBe(DENY);
      expect(existsSync(path.join(sandbox.dir, 'later.marker')), command).toBe(false);
    }
    await writeFile(path.join(sandbox.dir, 'p2.yaml'), 'goal: g\nsteps:\n  - id: t\n    tool: shell\n    args: { command: "touch forbidden1" }\n');
    const denied = await runKsa(['run', 'p2.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(denied.code, describeResult(denied)).toBe(2);
  });

  it('a step that puts a file where .ksa/ was: the policy cannot be put back, and the step fails saying so in one line', async (context) => {
    const sandbox = await ownSandbox(context);
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    await mkdir(path.dirname(policy));
    await writeFile(policy, DENY);
    await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: clean\nsteps:\n  - id: clean\n    tool: shell\n    args: { command: "rm -rf .k''sa; echo x > .k''sa" }\n`);
    const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain(
      `step clean removed ${policy}, which its plan did not say it would (it was approved as a destroy step), and ksa could not put ${policy} back: ${path.join(sandbox.dir, '.ksa')} is not a folder now. The run keeps the rules it started with; put the file back before the next run\n`,
    );
    expect(result.stderr).not.toMatch(/ENOTDIR|EEXIST|errno/);
  });

  it('a destroy step that names the policy or its folder may change or remove it, whatever else its line does; one that reaches it by another spelling is put back', async (context) => {
    const sandbox = await ownSandbox(context);
    execFileSync('git', ['init', '-q'], { cwd: sandbox.dir });
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    await writeFile(path.join(sandbox.dir, 'edit.sh'), 'd=.k; printf "deny: []\\n" > ${d}sa/policy.yaml\n');
    for (const [command, after] of [
      ['rm -rf build && printf \'deny: []\\n\' > .ksa/policy.yaml', 'deny: []\n'],
      ['rm .ksa/policy.yaml', null],
      ['rm -rf .ksa', null],
      ['rm -rf build && sh edit.sh', DENY],
    ] as const) {
      await mkdir(path.dirname(policy), { recursive: true });
      await writeFile(policy, DENY);
      await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: loosen\nsteps:\n  - id: s0\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`);
      const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
      if (after === DENY) {
        expect(result.code, describeResult(result)).toBe(1);
        expect(result.stderr, command).toContain(`step s0 changed ${policy}, which its plan did not say it would (it was approved as a destroy step): ksa put it back.`);
      } else {
        expect(result.code, `${command}\n${describeResult(result)}`).toBe(0);
      }
      expect(existsSync(policy) ? await readFile(policy, 'utf8') : null, command).toBe(after);
    }
  });

  it('a step that puts a link where .ksa/ was: nothing is written through it, and the step fails in one line saying what to do', async (context) => {
    const sandbox = await ownSandbox(context);
    const folder = path.join(sandbox.dir, '.ksa');
    const policy = path.join(folder, 'policy.yaml');
    const elsewhere = path.join(path.dirname(sandbox.dir), 'elsewhere');
    await mkdir(elsewhere);
    // An empty folder, one with a file of that name, one with the same rules (the way to them is still new), none.
    for (const [target, held] of [
      [elsewhere, ''],
      [elsewhere, 'mine\n'],
      [elsewhere, DENY],
      [path.join(path.dirname(sandbox.dir), 'nowhere'), undefined],
    ] as const) {
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder);
      await writeFile(policy, DENY);
      await rm(path.join(elsewhere, 'policy.yaml'), { force: true });
      if (held) await writeFile(path.join(elsewhere, 'policy.yaml'), held);
      await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: relink\nsteps:\n  - id: relink\n    tool: shell\n    args: { command: "rm -rf .k''sa && ln -s ${target} .k''sa" }\n`);
      const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr, target).toMatch(
        new RegExp(
          `step relink (removed|changed) ${escaped(policy)}, which its plan did not say it would \\(it was approved as a destroy step\\), and ksa could not put ${escaped(policy)} back: ${escaped(folder)} is now a link to ${escaped(target)}, and ksa writes nothing through a link\\. The run keeps the rules it started with; replace the link ${escaped(folder)} with a folder that holds the file before the next run\n`,
        ),
      );
      expect(result.stderr, target).not.toMatch(/ENOENT|errno|mkdir/);
      if (held !== undefined) expect(await readdir(elsewhere), target).toEqual(held ? ['policy.yaml'] : []);
      if (held) expect(await readFile(path.join(elsewhere, 'policy.yaml'), 'utf8'), target).toBe(held);
      await rm(folder, { force: true });
    }
  });

  it('a policy put back keeps the mode it had', async (context) => {
    const sandbox = await ownSandbox(context);
    execFileSync('git', ['init', '-q'], { cwd: sandbox.dir });
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    for (const [command, mode] of [
      ["printf 'deny: []\\n' > .k''sa/policy.yaml", 0o644],
      ['git clean -fdxq', 0o640],
    ] as const) {
      await mkdir(path.dirname(policy), { recursive: true });
      await writeFile(policy, DENY);
      await chmod(policy, mode);
      await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: g\nsteps:\n  - id: s0\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`);
      const result = await runKsa(['run', 'plan.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(1);
      expect(await readFile(policy, 'utf8'), command).toBe(DENY);
      expect((await stat(policy)).mode & 0o777, command).toBe(mode);
    }
  });

  it('ksa mcp trust in another terminal while a run goes: refused, saying why (its watch would put it back and fail the step); the run goes on', async (context) => {
    const sandbox = await ownSandbox(context);
    const other = await workspaceWithServer(sandbox);
    const run = await startWaitingRun(sandbox);
    const trust = await runKsa(['mcp', 'trust'], { home: sandbox.home, cwd: other });
    await writeFile(path.join(sandbox.dir, 'go'), '');
    expect(trust.code, describeResult(trust)).toBe(2);
    expect(trust.stderr).toMatch(/^ksa: run \S+ is running in process \d+ \(ksa run plan\.yaml\): its settings watch would put a trust given now back, and fail the step it runs; trust the workspace once it has ended \(ksa status \S+\)\n$/);
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(0);
    expect(existsSync(path.join(sandbox.home, 'mcp-trust.json'))).toBe(false);
    const after = await runKsa(['mcp', 'trust'], { home: sandbox.home, cwd: other });
    expect(after.code, describeResult(after)).toBe(0);
  });

  it('a step that starts after another rewrote the policy does not write the rewritten file back when it ends', async (context) => {
    const sandbox = await ownSandbox(context);
    const own = path.join(sandbox.home, 'policy.yaml');
    await writeFile(own, DENY);
    // Each step waits (up to 30 s) on a file, so the order below holds however slow the machine is.
    await writeFile(path.join(sandbox.dir, 'until.sh'), 'i=0; while [ ! -f "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n');
    await writeFile(path.join(sandbox.dir, 'y.sh'), 'p=poli; f="$KSA_HOME/${p}cy.yaml"\nprintf "deny: []\\n" > "$f"\n');
    await writeFile(path.join(sandbox.dir, 'restored.sh'), 'p=poli; f="$KSA_HOME/${p}cy.yaml"; i=0\nwhile ! grep -q forbidden "$f" && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n');
    // a rewrites the policy once b's first attempt has failed, and ends once b's second attempt has started; that
    // attempt ends once a's end has put the policy back.
    await writeFile(
      path.join(sandbox.dir, 'plan.yaml'),
      'goal: race\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "sh until.sh go; sh y.sh; touch rewritten; sh until.sh b-started" }\n' +
        '  - id: b\n    tool: shell\n    args: { command: "if [ -f marker ]; then touch b-started; sh restored.sh; else touch marker; sh until.sh fail; exit 1; fi" }\n' +
        '    retry: { maxAttempts: 2, initialDelayMs: 100 }\n',
    );
    const run = startKsa(['run', 'plan.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 80_000 });
    await eventually(() => (existsSync(path.join(sandbox.dir, 'marker')) ? true : undefined), 20_000);
    const runId = parseNdjson(run.stdout())[0]!.runId;
    // Paused, the run holds b's retry until the policy has been rewritten.
    const pause = await runKsa(['pause', runId], { home: sandbox.home, timeoutMs: 40_000 });
    expect(pause.code, describeResult(pause)).toBe(0);
    await writeFile(path.join(sandbox.dir, 'fail'), '');
    await run.waitForOutput((stdout) => stdout.includes('"step_retrying"'), 20_000);
    await writeFile(path.join(sandbox.dir, 'go'), '');
    await eventually(() => (existsSync(path.join(sandbox.dir, 'rewritten')) ? true : undefined), 20_000);
    const resume = await runKsa(['resume', runId], { home: sandbox.home, timeoutMs: 40_000 });
    expect(resume.code, describeResult(resume)).toBe(0);
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain(`step a changed ${own}, which its plan did not say it would`);
    expect(result.stdout).not.toContain('step b changed');
    expect(await readFile(own, 'utf8')).toBe(DENY);
  }, 90_000);

  it('a trust the plan gives itself, by ksa mcp trust in the step or started in the background from it, is not given', async (context) => {
    const sandbox = await ownSandbox(context);
    const other = await workspaceWithServer(sandbox);
    const trust = [process.execPath, ...KSA_ARGV, 'mcp', 'trust', '--workspace', other].map((arg) => `'${arg}'`).join(' ');
    for (const [name, command] of [
      ['foreground', trust],
      // The step waits (up to 30 s) for the background trust to have ended, so that it is read after it, however slow.
      ['background', `(${trust} > /dev/null 2>&1; touch trust-ended) & i=0; while [ ! -f trust-ended ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`],
    ] as const) {
      await writeFile(path.join(sandbox.dir, `${name}.yaml`), `goal: trust\nsteps:\n  - id: trust\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`);
      const result = await runKsa(['run', `${name}.yaml`, '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 30_000 });
      if (name === 'foreground') {
        expect(result.code, describeResult(result)).toBe(1);
        expect(result.stderr).toMatch(/its settings watch would put a trust given now back/);
      }
      expect(existsSync(path.join(sandbox.home, 'mcp-trust.json')), name).toBe(false);
    }
  });

  it('an edit of the policy made by hand meanwhile: put back (it cannot be told from the step), and kept beside it, the message says where', async (context) => {
    const sandbox = await ownSandbox(context);
    const own = path.join(sandbox.home, 'policy.yaml');
    await writeFile(own, 'deny: []\n');
    const run = await startWaitingRun(sandbox);
    await writeFile(own, DENY);
    await writeFile(path.join(sandbox.dir, 'go'), '');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(1);
    const kept = (await readdir(sandbox.home)).find((name) => name.startsWith('policy.yaml.changed-'));
    expect(kept).toBeDefined();
    expect(result.stderr).toContain(`(it was approved as a write step): ksa put it back. The changed file is kept as ${path.join(sandbox.home, kept!)}: if you changed it yourself meanwhile, move it back once the run has ended.`);
    expect(await readFile(own, 'utf8')).toBe('deny: []\n');
    expect(await readFile(path.join(sandbox.home, kept!), 'utf8')).toBe(DENY);
  });
});

async function ownSandbox(context: TestContext): Promise<CliSandbox> {
  const sandbox = await createCliSandbox('ksa-settings-guard-');
  context.onTestFinished(() => sandbox.cleanup());
  return sandbox;
}

/** A folder beside the plan whose .mcp.json defines the lab server: something to trust. */
async function workspaceWithServer(sandbox: CliSandbox): Promise<string> {
  const other = path.join(sandbox.dir, 'other');
  await mkdir(other);
  await writeWorkspaceConfig(other, { lab: labStdio() });
  return other;
}

/**
 * `ksa run` of a one-step plan, once its step has started; the step waits for a file `go` (up to 30 s), which the
 * test writes once it has done what must happen while the step runs, however slow the machine is.
 */
async function startWaitingRun(sandbox: CliSandbox): Promise<KsaProcess> {
  const wait = 'echo started > started; i=0; while [ ! -f go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done';
  await writeFile(path.join(sandbox.dir, 'plan.yaml'), `goal: wait\nsteps:\n  - id: wait\n    tool: shell\n    args: { command: "${wait}" }\n`);
  const run = startKsa(['run', 'plan.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 30_000 });
  await eventually(() => (existsSync(path.join(sandbox.dir, 'started')) ? true : undefined), 20_000);
  return run;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
