import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOf, parseNdjson, startKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { expectExit, ksaJson, type StatusDoc } from '../helpers/durable.js';

// Progress output rewrites its line with `\r`: each segment reaches the live views as it is printed (the last
// output line is what a terminal shows), and the step log keeps the segments apart, one per line.

const PLAN = `goal: Progress
steps:
  - id: pull
    tool: shell
    args:
      command: |
        printf 'progress 10%%\\rprogress 50%%\\r'
        for wait in $(seq 200); do [ -f go ] && break; sleep 0.05; done
        printf 'red text\\n'
        for i in 1 2 3; do printf 'Downloading layer %3d%%\\r' $((i * 30)); done
        printf 'Downloading layer 100%%\\r\\n'
        printf 'windows line\\r\\n'
`;

// curl, tqdm and pip draw the other way round: the \r comes before each update.
const LEADING_CR_PLAN = `goal: Progress with the carriage return first
steps:
  - id: fetch
    tool: shell
    args:
      command: |
        printf '\\rprogress 10%%'
        for i in $(seq 200); do [ -f go1 ] && break; sleep 0.05; done
        printf '\\rprogress 20%%'
        for i in $(seq 200); do [ -f go2 ] && break; sleep 0.05; done
        printf '\\rprogress 30%%\\n'
        printf 'done\\n'
`;

const sandbox = useCliSandbox('ksa-progress-output-');

describe('output that uses \\r for progress', () => {
  it('each segment is its own output line, shown before any newline; the log keeps them apart; CRLF is one line end', async () => {
    const planFile = await sandbox.writePlan('plan.yaml', PLAN);
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 20_000 });
    // The step waits for `go` (10 s at most) after its two progress segments: they are out with no newline printed yet.
    await ksa.waitForOutput((stdout) => stdout.includes('"line":"progress 50%"'));
    writeFileSync(path.join(sandbox.dir, 'go'), '');
    const result = await ksa.result;
    expectExit(result, 0);
    const lines = eventsOf(parseNdjson(result.stdout), 'step_output', 'pull').map((event) => event.line);
    const expected = ['progress 10%', 'progress 50%', 'red text', 'Downloading layer  30%', 'Downloading layer  60%', 'Downloading layer  90%', 'Downloading layer 100%', 'windows line'];
    expect(lines).toEqual(expected);

    const status = await ksaJson<StatusDoc>(['status'], { home: sandbox.home });
    const log = readFileSync(path.join(status.logDir, 'pull.log'), 'utf8').split('\n');
    expect(log.slice(1)).toEqual([...expected, '']);
  });

  it('an update drawn as \\rtext is shown as soon as it is printed, not when the next one begins; the log has each once', async () => {
    const planFile = await sandbox.writePlan('leading.yaml', LEADING_CR_PLAN);
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 20_000 });
    // The step waits for go1 after printing "\rprogress 10%": the update must be out while it waits.
    await ksa.waitForOutput((stdout) => stdout.includes('"line":"progress 10%"'));
    writeFileSync(path.join(sandbox.dir, 'go1'), '');
    await ksa.waitForOutput((stdout) => stdout.includes('"line":"progress 20%"'));
    writeFileSync(path.join(sandbox.dir, 'go2'), '');
    const result = await ksa.result;
    expectExit(result, 0);
    const expected = ['progress 10%', 'progress 20%', 'progress 30%', 'done'];
    expect(eventsOf(parseNdjson(result.stdout), 'step_output', 'fetch').map((event) => event.line)).toEqual(expected);

    const status = await ksaJson<StatusDoc>(['status'], { home: sandbox.home });
    const log = readFileSync(path.join(status.logDir, 'fetch.log'), 'utf8').split('\n');
    expect(log.slice(1)).toEqual([...expected, '']);
  });
});
