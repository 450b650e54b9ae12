import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { eventsOf, parseNdjson, runKsa } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';
import { sshKeys, type SshKeyFormat } from '../helpers/ssh-keys.js';
import { walk } from '../helpers/store-fixtures.js';

// A step that prints a key's header on stderr and its body on stdout (as a tool splitting its output does) has the
// body hidden whichever of the two pipes ksa reads first: a quick step has written both before ksa reads either, and
// then reads stdout's first. Many steps, each a new chance for either order: every one of them must hide it.

const sandbox = useCliSandbox('ksa-key-split-streams-');
const KEYS = sshKeys();
const FORMATS = Object.keys(KEYS) as SshKeyFormat[];
const STEPS_PER_KEY = 6;

/** Steps that each print one of the keys split across the streams: its header on stderr, the rest on stdout. */
function plan(): string {
  const steps = FORMATS.flatMap((format) =>
    Array.from({ length: STEPS_PER_KEY }, (_, i) => `  - id: ${format}-${i}\n    tool: shell\n    args: { command: "head -1 ${format}.key >&2; tail -n +2 ${format}.key" }\n`),
  );
  return `goal: Print keys split across stdout and stderr\nsteps:\n${steps.join('')}`;
}

async function runIn(name: string, args: readonly string[]) {
  const file = await sandbox.writePlan(`${name}/plan.yaml`, plan());
  const dir = path.dirname(file);
  for (const format of FORMATS) writeFileSync(path.join(dir, `${format}.key`), KEYS[format].text);
  const home = path.join(sandbox.home, name);
  const result = await runKsa(['run', file, '--yes', ...args], { home, cwd: dir, timeoutMs: 60_000 });
  expectExit(result, 0);
  return { home, result };
}

/** Every file ksa wrote under its home that holds a line of a key's body. */
async function filesWithBody(home: string): Promise<string[]> {
  const files = (await walk(home)).filter((entry) => !entry.dir);
  const body = FORMATS.flatMap((format) => KEYS[format].body);
  return files.filter((entry) => body.some((line) => readFileSync(path.join(home, entry.rel), 'utf8').includes(line))).map((entry) => entry.rel);
}

function expectNoBody(text: string): void {
  for (const format of FORMATS) for (const line of KEYS[format].body) expect(text, format).not.toContain(line);
}

describe('a private key whose header a step prints on stderr and its body on stdout', () => {
  it('is *** in every step\'s --json output lines and stored output, run.json and the logs, whichever stream is read first', async () => {
    const { home, result } = await runIn('json', ['--json']);
    expectNoBody(result.stdout + result.stderr);
    const events = parseNdjson(result.stdout);
    for (const format of FORMATS) {
      const key = KEYS[format];
      for (let i = 0; i < STEPS_PER_KEY; i++) {
        const lines = eventsOf(events, 'step_output', `${format}-${i}`);
        expect(lines.filter((event) => event.stream === 'stdout').map((event) => event.line)).toEqual([...key.body.map(() => '***'), key.footer]);
        expect(lines.filter((event) => event.stream === 'stderr').map((event) => event.line)).toEqual(['***']);
        const done = eventsOf(events, 'step_succeeded', `${format}-${i}`)[0] as unknown as { output: { stdout: string; stderr: string } };
        expect(done.output).toMatchObject({ stdout: [...key.body.map(() => '***'), key.footer].join('\n'), stderr: '***' });
      }
    }
    expect(await filesWithBody(home)).toEqual([]);
  });

  it('is *** in what ksa run prints as text, and in what it stores', async () => {
    const { home, result } = await runIn('text', []);
    expectNoBody(result.stdout + result.stderr);
    expect(result.stderr).toContain('| ***');
    expect(await filesWithBody(home)).toEqual([]);
  });
});
