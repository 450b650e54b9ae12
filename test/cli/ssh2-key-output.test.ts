import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// An SSH2 key file (RFC 4716) may continue a long header line with a trailing backslash: the line after it is
// header, not the end of the key.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-ssh2-key-output-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** The bytes of a real key where ssh-keygen is installed, else fixed random-looking ones. */
function keyBytes(dir: string): Buffer {
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', path.join(dir, 'id_ed25519')], { stdio: 'ignore' });
    const text = readFileSync(path.join(dir, 'id_ed25519'), 'utf8');
    return Buffer.from(text.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join(''), 'base64');
  } catch {
    return Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 97 + 13) % 256));
  }
}

/** An SSH2 encrypted private key block as RFC 4716 lays it out: its magic number, lines of at most 70 characters. */
function ssh2Key(bytes: Buffer, header = ['Subject: deploy', 'Comment: "256-bit ed25519, deploy@build-7, converted for the release \\', 'pipeline of the shop service"']): { text: string; body: string[] } {
  const body = Buffer.concat([Buffer.from([0x3f, 0x6f, 0xf9, 0xeb]), bytes]).toString('base64').match(/.{1,70}/g)!;
  return { text: ['---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', ...header, ...body, '---- END SSH2 ENCRYPTED PRIVATE KEY ----', ''].join('\n'), body };
}

describe('an SSH2 private key a step prints', () => {
  it('has its continued header lines and its body masked in --json events, the step log and run.json', async () => {
    const dir = path.join(sandbox.dir, 'ssh2');
    mkdirSync(dir, { recursive: true });
    const key = ssh2Key(keyBytes(dir));
    writeFileSync(path.join(dir, 'key.ssh2'), key.text);
    const plan = await sandbox.writePlan('ssh2/plan.yaml', 'goal: Show a key\nsteps:\n  - id: show\n    tool: shell\n    args: { command: "cat key.ssh2; echo done" }\n');
    const home = path.join(sandbox.home, 'ssh2');

    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
    expectExit(result, 0);

    const lines = eventsOf(parseNdjson(result.stdout), 'step_output', 'show').map((event) => event.line);
    expect(lines).toEqual([...key.text.trimEnd().split('\n').map(() => '***'), 'done']);
    const done = parseNdjson(result.stdout).find((event) => event.type === 'step_succeeded') as { output: { stdout: string } } | undefined;
    expect(done?.output.stdout).toBe('***\ndone');
    const files = (await walk(home)).filter((entry) => !entry.dir);
    expect(files.some((entry) => entry.rel.endsWith(path.join('logs', 'show.log')))).toBe(true);
    expect(files.some((entry) => entry.rel.endsWith('run.json'))).toBe(true);
    for (const line of [...key.body, 'pipeline of the shop service']) {
      expect(result.stdout + result.stderr).not.toContain(line);
      expect(files.filter((entry) => readFileSync(path.join(home, entry.rel), 'utf8').includes(line)).map((entry) => entry.rel)).toEqual([]);
    }
  });

  it('has its body masked after header lines with any RFC 4716 tag (Key-Type: ed25519), in events, run.json and the log', async () => {
    const dir = path.join(sandbox.dir, 'ssh2-tags');
    mkdirSync(dir, { recursive: true });
    const key = ssh2Key(keyBytes(dir), ['Key-Type: ed25519', 'Comment: "deploy@build-7"', 'X.Origin_Host: build-7']);
    writeFileSync(path.join(dir, 'key.ssh2'), key.text);
    const plan = await sandbox.writePlan('ssh2-tags/plan.yaml', 'goal: Show a key\nsteps:\n  - id: show\n    tool: shell\n    args: { command: "cat key.ssh2; echo done" }\n');
    const home = path.join(sandbox.home, 'ssh2-tags');

    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
    expectExit(result, 0);

    const lines = eventsOf(parseNdjson(result.stdout), 'step_output', 'show').map((event) => event.line);
    expect(lines).toEqual([...key.text.trimEnd().split('\n').map(() => '***'), 'done']);
    const files = (await walk(home)).filter((entry) => !entry.dir);
    for (const line of key.body) {
      expect(result.stdout + result.stderr).not.toContain(line);
      expect(files.filter((entry) => readFileSync(path.join(home, entry.rel), 'utf8').includes(line)).map((entry) => entry.rel)).toEqual([]);
    }
  });
});
