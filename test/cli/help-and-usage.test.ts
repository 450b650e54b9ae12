import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, nonEmptyLines, REPO_ROOT, runKsa, stackTraceLines, type CliResult, type CliSandbox } from '../helpers/cli.js';

// `ksa --help`, `--version` and usage errors, through the real binary.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir });

describe.concurrent('help and version', () => {
  it('ksa --help lists the commands and exit codes, exit 0', async () => {
    const result = await ksa('--help');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/Usage: ksa/);
    for (const command of ['validate', 'run', 'schema', 'tools']) expect(result.stdout).toContain(command);
    expect(result.stdout).toContain('--version');
    expect(result.stdout).toMatch(/Exit codes: 0 succeeded, 1 run failed or the model could not be used, 2 .*130/);
    for (const name of ['KSA_HOME', 'OPENAI_BASE_URL', 'KSA_MODEL,', 'KSA_MODEL_TIMEOUT_MS', 'KSA_REDIS_URL']) expect(result.stdout).toContain(name);
    expect(result.stderr).toBe('');
  });

  it('ksa run --help mentions every run flag, exit 0', async () => {
    const result = await ksa('run', '--help');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/Usage: ksa run \[options\] <plan>/);
    for (const flag of ['--yes', '--max-parallel', '--dry-run', '--json', '--input', '--workspace', '--max-steps']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('Ctrl-C');
  });

  it('the help of each command that does work ends with examples to copy, each using only flags that command has', async () => {
    for (const command of [['validate'], ['run'], ['plan'], ['ask'], ['status'], ['resume'], ['cancel'], ['pause'], ['policy', 'check'], ['worker']]) {
      const result = await ksa(...command, '--help');
      expect(result.code, describeResult(result)).toBe(0);
      const examples = result.stdout.split('\nExamples:\n')[1]?.split('\n\n')[0]?.split('\n') ?? [];
      expect(examples.length, `ksa ${command.join(' ')} --help`).toBeGreaterThan(0);
      for (const line of examples.filter((example) => example.startsWith(`  $ ksa ${command.join(' ')} `))) {
        for (const flag of line.split('#')[0]!.match(/(?<=\s)--?[a-z][a-z-]*/g) ?? []) expect(result.stdout, `${line}: ${flag}`).toMatch(new RegExp(`^\\s+(-\\w, )?${flag}\\b`, 'm'));
      }
    }
  });

  it('ksa policy --help shows the rule format, and its sample rules are a policy ksa applies', async () => {
    const result = await ksa('policy', '--help');
    expect(result.code, describeResult(result)).toBe(0);
    const sample = result.stdout.split('\nPolicy files:\n')[1]?.split('\n\n')[1];
    expect(sample, result.stdout).toMatch(/^ {4}deny:\n/);
    const home = await mkdtemp(path.join(tmpdir(), 'ksa-policy-help-'));
    try {
      await writeFile(path.join(home, 'policy.yaml'), sample!.replace(/^ {4}/gm, ''));
      await writeFile(path.join(home, 'plan.yaml'), 'goal: clean up\nsteps:\n  - id: drop\n    tool: kubectl\n    args: { args: [delete, pod, web] }\n');
      const check = await runKsa(['policy', 'check', 'plan.yaml'], { home, cwd: home });
      expect(check.code, describeResult(check)).toBe(2);
      expect(check.stdout + check.stderr).toMatch(/deny.*delete \*/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('ksa --version prints the package version, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await ksa('--version');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

/**
 * A usage error is one `ksa: ...` line, optionally followed by hints (a did-you-mean,
 * a pointer to --help), never a stack trace; nothing on stdout. Returns the hint lines.
 */
function expectUsageError(result: CliResult, message: string): string[] {
  expect(result.code, describeResult(result)).toBe(2);
  expect(result.stdout).toBe('');
  const [first, ...hints] = nonEmptyLines(result.stderr);
  expect(first, describeResult(result)).toBe(message);
  expect(hints.filter((line) => line.startsWith('ksa:')), describeResult(result)).toEqual([]);
  expect(hints.length, describeResult(result)).toBeLessThanOrEqual(2);
  expect(stackTraceLines(result.stderr)).toEqual([]);
  return hints;
}

describe.concurrent('usage errors: one clear line, exit 2, no stack trace', () => {
  it('an unknown command', async () => {
    const hints = expectUsageError(await ksa('frobnicate'), "ksa: unknown command 'frobnicate'");
    expect(hints.join('\n')).not.toMatch(/did you mean/i);
  });

  it('ksa help of an unknown command is a usage error (exit 2), as the command itself is; ksa help run is the help (exit 0)', async () => {
    const unknown = await ksa('help', 'nothing');
    expect(unknown.code, describeResult(unknown)).toBe(2);
    expect(unknown.stderr).toContain("ksa: unknown command 'nothing' (see 'ksa --help')");
    expect(stackTraceLines(unknown.stderr)).toEqual([]);
    const known = await ksa('help', 'run');
    expect(known.code, describeResult(known)).toBe(0);
    expect(known.stdout).toContain('Usage: ksa run');
  });

  it('a mistyped command gets a suggestion', async () => {
    const hints = expectUsageError(await ksa('valdate', 'plan.yaml'), "ksa: unknown command 'valdate'");
    expect(hints.join('\n')).toMatch(/did you mean validate\?/i);
  });

  it('an unknown run flag, with a suggestion for a near miss', async () => {
    const plan = await sandbox.writePlan('usage.yaml', 'goal: g\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n');
    const hints = expectUsageError(await ksa('run', plan, '--yess'), "ksa: unknown option '--yess'");
    expect(hints.join('\n')).toMatch(/did you mean --yes\?/i);
  });

  it('--allow-env with a name no variable can have is refused, naming it (it could never be read)', async () => {
    const plan = await sandbox.writePlan('allow-env.yaml', 'goal: g\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n');
    const message = 'ksa: --allow-env: "bad name" is not an environment variable name (letters, digits and _, not starting with a digit)';
    expectUsageError(await ksa('validate', plan, '--allow-env', 'bad name'), message);
    expectUsageError(await ksa('run', plan, '--yes', '--allow-env', 'bad name'), message);
  });

  it('a --workspace that is no folder is one line, exit 2, for every command that takes it (as for ksa run)', async () => {
    const plan = await sandbox.writePlan('workspace.yaml', 'goal: g\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n');
    const commands = [
      ['validate', plan],
      ['run', plan, '--yes'],
      ['policy', 'check', plan],
      ['tools'],
      ['mcp', 'list'],
      ['mcp', 'trust'],
      ['plan', 'deploy it'],
      ['ask', 'deploy it'],
      // Before Redis is contacted (nothing listens on port 1).
      ['worker', '--redis', 'redis://127.0.0.1:1'],
    ];
    const missing = path.join(sandbox.dir, 'wss');
    const cases = commands.flatMap((args): [string[], string][] => [
      [[...args, '--workspace', 'wss'], `ksa: --workspace ${missing}: no such directory`],
      [[...args, '--workspace', plan], `ksa: --workspace ${plan}: not a directory`],
      // An unset variable: not silently this folder.
      ...(args[0] === 'run' || args[0] === 'worker' ? [[[...args, '--workspace', ''], 'ksa: --workspace: empty; give a directory (--workspace . for this one)'] as [string[], string]] : []),
    ]);
    const results = await Promise.all(cases.map(([args]) => ksa(...args)));
    for (const [index, [, expected]] of cases.entries()) expectUsageError(results[index]!, expected);
  });

  it('bad flag values are one line each', async () => {
    const plan = await sandbox.writePlan('values.yaml', 'goal: g\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "true" }\n');
    const cases: [string[], RegExp][] = [
      [['run', plan, '--yes', '--max-parallel', '0'], /^ksa: --max-parallel expects a whole number of at least 1, got "0"$/],
      [['run', plan, '--yes', '--max-parallel', '99999999999999999999'], /^ksa: --max-parallel expects a whole number from 1 to 1000, got "99999999999999999999"$/],
      // The plan's maxParallel has the same bound: a typo must not start thousands of processes at once.
      [['run', plan, '--yes', '--max-parallel', '10000'], /^ksa: --max-parallel expects a whole number from 1 to 1000, got "10000"$/],
      [['resume', 'x', '--yes', '--max-parallel', '5000'], /^ksa: --max-parallel expects a whole number from 1 to 1000, got "5000"$/],
      [['run', plan, '--yes', '--input', 'novalue'], /^ksa: --input "novalue": expected name=value/],
      // Before Redis is contacted (nothing listens on port 1).
      [['run', plan, '--yes', '--redis', 'redis://127.0.0.1:1', '--worker-wait', 'soon'], /^ksa: --worker-wait expects a duration like 30s, 5m or 120000 \(ms\), got "soon"$/],
      [['resume', 'no-such-run', '--worker-wait', '5 min'], /^ksa: --worker-wait expects a duration like 30s, 5m or 120000 \(ms\), got "5 min"$/],
      [['cancel', 'no-such-run', '--yes', '--worker-wait', 'soon'], /^ksa: --worker-wait expects a duration like 30s, 5m or 120000 \(ms\), got "soon"$/],
      // Checked before the run is looked up, the model endpoint read or anything printed.
      [['status', 'no-such-run', '--log-lines', 'x'], /^ksa: --log-lines expects a whole number of at least 0, got "x"$/],
      [['cancel', 'no-such-run', '--timeout', 'soon'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "soon"$/],
      [['pause', 'no-such-run', '--timeout', '0'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "0"$/],
      // Longer than a timer can wait: it would fire at once.
      [['cancel', 'no-such-run', '--timeout', '3000000'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "3000000"$/],
      [['run', plan, '--yes', '--redis', 'redis://127.0.0.1:1', '--worker-wait', '1000h'], /^ksa: --worker-wait expects a duration from 1ms to 596h, got "1000h"$/],
      // A Redis URL that is not one is a usage error, like a bad flag value.
      [['run', plan, '--yes', '--redis', 'notaurl'], /^ksa: cannot use Redis at notaurl: not a URL \(expected redis:\/\/\[user:password@\]host\[:port\]\[\/db\]\)$/],
      [['workers', '--redis', 'http://127.0.0.1:6379'], /^ksa: cannot use Redis at http:\/\/127\.0\.0\.1:6379: unsupported scheme "http:"/],
      // `--redis "$URL"` with URL unset: not a run of the workers' steps here.
      [['run', plan, '--yes', '--redis', ''], /^ksa: --redis: empty; give a Redis URL such as redis:\/\/host:6379 \(is the variable you passed set\?\)$/],
      [['run', plan, '--yes', '--redis', 'redis://127.0.0.1:1', '--worker-wait', '0'], /^ksa: --worker-wait expects a duration from 1ms to 596h, got "0"$/],
      [['plan', 'deploy it', '--max-repairs', '-1'], /^ksa: --max-repairs expects a whole number of at least 0, got "-1"$/],
      // Only plain decimal digits: Number() would read these as 16, 10, 4 and 4.
      [['run', plan, '--yes', '--max-parallel', '0x10'], /^ksa: --max-parallel expects a whole number of at least 1, got "0x10"$/],
      [['run', plan, '--yes', '--max-parallel', '1e1'], /^ksa: --max-parallel expects a whole number of at least 1, got "1e1"$/],
      [['run', plan, '--yes', '--max-parallel', ' 4'], /^ksa: --max-parallel expects a whole number of at least 1, got " 4"$/],
      [['run', plan, '--yes', '--max-parallel', '4.0'], /^ksa: --max-parallel expects a whole number of at least 1, got "4.0"$/],
      [['resume', 'no-such-run', '--max-parallel', '0x10'], /^ksa: --max-parallel expects a whole number of at least 1, got "0x10"$/],
      [['validate', plan, '--max-steps', '1e3'], /^ksa: --max-steps expects a whole number of at least 1, got "1e3"$/],
      [['run', plan, '--yes', '--max-steps', '+5'], /^ksa: --max-steps expects a whole number of at least 1, got "\+5"$/],
      [['runs', '--limit', '0x2'], /^ksa: --limit expects a whole number of at least 1, got "0x2"$/],
      [['status', 'no-such-run', '--log-lines', '8 '], /^ksa: --log-lines expects a whole number of at least 0, got "8 "$/],
      [['plan', 'deploy it', '--max-repairs', '0b1'], /^ksa: --max-repairs expects a whole number of at least 0, got "0b1"$/],
      [['worker', '--concurrency', '2.0', '--redis', 'redis://127.0.0.1:1'], /^ksa: --concurrency expects a whole number of at least 1, got "2.0"$/],
      [['cancel', 'no-such-run', '--timeout', '0x10'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "0x10"$/],
      [['cancel', 'no-such-run', '--timeout', '5 m'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "5 m"$/],
      // A duration with a unit is taken: the run is looked up.
      [['pause', 'no-such-run', '--timeout', '2m'], /^ksa: no run "no-such-run" \(list them with: ksa runs\)$/],
      [['cancel', 'no-such-run', '--timeout', '500ms'], /^ksa: no run "no-such-run" \(list them with: ksa runs\)$/],
      [['pause', 'no-such-run', '--timeout', '1e1'], /^ksa: --timeout expects seconds \(30, 2\.5\) or a duration \(500ms, 30s, 5m\), above 0 and at most 596h, got "1e1"$/],
      [['run', plan, '--yes', '--redis', 'redis://127.0.0.1:1', '--worker-wait', '0x10s'], /^ksa: --worker-wait expects a duration like 30s, 5m or 120000 \(ms\), got "0x10s"$/],
      [['resume', 'no-such-run', '--worker-wait', ' 5m'], /^ksa: --worker-wait expects a duration like 30s, 5m or 120000 \(ms\), got " 5m"$/],
    ];
    const results = await Promise.all(cases.map(([args]) => ksa(...args)));
    for (const [index, [, expected]] of cases.entries()) {
      const result = results[index]!;
      expect(result.code, describeResult(result)).toBe(2);
      const lines = nonEmptyLines(result.stderr).filter((line) => line.startsWith('ksa:'));
      expect(lines, describeResult(result)).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(stackTraceLines(result.stderr)).toEqual([]);
    }
  });
});
