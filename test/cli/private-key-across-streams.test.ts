import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// A key whose header a step prints on stdout and whose body on stderr (or the other way round) is *** in what is kept
// of the step (its output, its error), as in its output lines, wherever they are shown or stored.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-key-across-streams-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const BODY = PEM.trimEnd().split('\n').slice(1, -1);

/**
 * Two pipes have no order between them: the body printed after its header may be read first. A write larger than a
 * pipe holds (a line of blanks, which a key's body may hold) returns only once ksa has read the header before it.
 */
const HEADER_READ = "printf '%70000s\\n' ''";

async function runStep(name: string, command: string) {
  const dir = path.join(sandbox.dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'rsa.pem'), PEM);
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, `goal: Show a key\nsteps:\n  - id: a\n    tool: shell\n    args: { command: ${JSON.stringify(command)} }\n`);
  const home = path.join(sandbox.home, name);
  const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
  return { dir, home, result, events: parseNdjson(result.stdout) };
}

/** Every file ksa wrote under its home that holds a line of the key's body. */
async function filesWithBody(home: string): Promise<string[]> {
  const files = (await walk(home)).filter((entry) => !entry.dir);
  return files.filter((entry) => BODY.some((line) => readFileSync(path.join(home, entry.rel), 'utf8').includes(line))).map((entry) => entry.rel);
}

describe('a private key printed across stdout and stderr', () => {
  it('is *** in the step\'s stored output: step_succeeded, run.json and the log', async () => {
    const { home, result, events } = await runStep('ok', `head -1 rsa.pem; ${HEADER_READ}; tail -n +2 rsa.pem >&2`);
    expectExit(result, 0);
    const shown = eventsOf(events, 'step_output', 'a').filter((event) => event.stream === 'stderr').map((event) => event.line);
    expect(shown.slice(0, BODY.length)).toEqual(BODY.map(() => '***'));
    const done = eventsOf(events, 'step_succeeded', 'a')[0] as unknown as { output: { stdout: string; stderr: string } };
    expect(done.output.stderr).toBe(shown.join('\n'));
    const run = JSON.parse(readFileSync(path.join(home, 'runs', String(events[0]!.runId), 'run.json'), 'utf8')) as { state: { steps: { a: { output: { stderr: string } } } } };
    expect(run.state.steps.a.output.stderr).toBe(shown.join('\n'));
    for (const line of BODY) expect(result.stdout + result.stderr).not.toContain(line);
    expect(await filesWithBody(home)).toEqual([]);
  });

  it('is *** in the error of a step that fails after printing it: the terminal, step_failed, the log, run.json and ksa status', async () => {
    const { dir, home, result, events } = await runStep('fail', `head -1 rsa.pem; ${HEADER_READ}; sed -n 2,6p rsa.pem >&2; exit 3`);
    expectExit(result, 1);
    const failed = eventsOf(events, 'step_failed', 'a')[0] as unknown as { error: string };
    expect(failed.error).toBe('command exited with code 3: ***');
    for (const line of BODY) expect(result.stdout + result.stderr).not.toContain(line);
    expect(await filesWithBody(home)).toEqual([]);
    const status = await runKsa(['status', '--json'], { home, cwd: dir });
    expect(status.stdout).toContain('command exited with code 3: ***');
    for (const line of BODY) expect(status.stdout + status.stderr).not.toContain(line);
  });

});
