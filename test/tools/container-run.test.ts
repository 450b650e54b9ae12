import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { givenCidfile, runSubcommandAt } from '../../src/tools/container-run.js';
import { createArgvTool, trackedContainers } from '../../src/tools/index.js';
import { createTempDir, createToolContext, waitFor } from '../helpers/tool-context.js';

// A stand-in engine: `run` writes a container id to --cidfile (as docker and
// podman do once the container exists) and waits; `rm` is logged. The real
// engine is exercised end to end in test/cli/container-stop.test.ts.
const FAKE_ENGINE = `#!/bin/sh
log="$(dirname "$0")/calls.log"
echo "$*" >> "$log"
while [ "\${1#-}" != "$1" ]; do
  case "$1" in --connection|--context) shift ;; esac
  shift
done
[ "$1" = container ] && shift
# The created container's state: "true" while a test says it runs.
if [ "$1" = inspect ]; then cat "$(dirname "$0")/running" 2>/dev/null || echo false; exit 0; fi
if [ "$1" = run ]; then
  shift
  while [ $# -gt 0 ]; do
    case "$1" in
      --refuse) echo "Error: the cidfile already exists" >&2; exit 125 ;;
      --cidfile) echo 0123456789abcdef0123456789abcdef > "$2"; shift ;;
      --cidfile=*) echo 0123456789abcdef0123456789abcdef > "\${1#--cidfile=}" ;;
      --quick) exit 0 ;;
      --no-such-executable) echo 'Error: executable file not found in $PATH' >&2; exit 127 ;;
    esac
    shift
  done
  echo started
  exec sleep 30
fi
`;

let ws: string;
let cleanup: () => Promise<void>;
let engine: string;

beforeEach(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
  engine = path.join(ws, 'podman');
  await writeFile(engine, FAKE_ENGINE);
  await chmod(engine, 0o755);
});

afterEach(async () => {
  await cleanup();
});

const calls = async () => (await readFile(path.join(ws, 'calls.log'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

describe('a container run that is stopped', () => {
  it('has its container removed, by the id the engine wrote', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    const controller = new AbortController();
    const context = createToolContext(ws, controller.signal);
    const work = podman.execute({ args: ['run', '--name', 'web', 'shop:1'] }, context);
    expect(await waitFor(() => context.lines.some((l) => l.line === 'started'))).toBe(true);
    controller.abort(new Error('timed out'));
    await expect(work).rejects.toThrow('timed out');
    const [run, remove] = await calls();
    expect(run).toMatch(/^run --cidfile \/\S+\/cid --name web shop:1$/);
    expect(remove).toBe('rm -f -t 0 0123456789abcdef0123456789abcdef');
    // The id file lived in its own temporary folder, gone now.
    const cidfile = run!.split(' ')[2]!;
    await expect(readFile(cidfile)).rejects.toThrow();
  });

  it('uses the --cidfile the step gives, relative to its cwd', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    const controller = new AbortController();
    const context = createToolContext(ws, controller.signal);
    const work = podman.execute({ args: ['container', 'run', '--cidfile=web.cid', 'shop:1'] }, context);
    expect(await waitFor(() => context.lines.some((l) => l.line === 'started'))).toBe(true);
    controller.abort(new Error('cancelled'));
    await expect(work).rejects.toThrow('cancelled');
    expect(await calls()).toEqual(['container run --cidfile=web.cid shop:1', 'rm -f -t 0 0123456789abcdef0123456789abcdef']);
    // The step's own id file is the step's: it stays.
    expect((await readFile(path.join(ws, 'web.cid'), 'utf8')).trim()).toBe('0123456789abcdef0123456789abcdef');
  });

  it('removes the container of a run given after global options through the same engine (the same options)', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    const controller = new AbortController();
    const context = createToolContext(ws, controller.signal);
    const work = podman.execute({ args: ['--log-level=error', '--connection', 'box', 'run', '--name', 'web', 'shop:1'] }, context);
    expect(await waitFor(() => context.lines.some((l) => l.line === 'started'))).toBe(true);
    controller.abort(new Error('timed out'));
    await expect(work).rejects.toThrow('timed out');
    const [run, remove] = await calls();
    expect(run).toMatch(/^--log-level=error --connection box run --cidfile \/\S+\/cid --name web shop:1$/);
    expect(remove).toBe('--log-level=error --connection box rm -f -t 0 0123456789abcdef0123456789abcdef');
  });

  it('leaves a container that finished, or a command that is not a run, alone', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    await podman.execute({ args: ['run', '--quick', 'shop:1'] }, createToolContext(ws));
    await podman.execute({ args: ['ps', '-a'] }, createToolContext(ws));
    const [run, ps] = await calls();
    expect(run).toMatch(/^run --cidfile \S+ --quick shop:1$/);
    expect(ps).toBe('ps -a');
  });
});

describe('a container run in progress', () => {
  it('is tracked from the moment the engine wrote its id, with the engine\'s global options, until the step has ended', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    const controller = new AbortController();
    const work = podman.execute({ args: ['--connection', 'box', 'run', '--name', 'web', 'shop:1'] }, createToolContext(ws, controller.signal));
    expect(await waitFor(() => trackedContainers().length > 0)).toBe(true);
    expect(trackedContainers()).toEqual([{ binary: engine, globals: ['--connection', 'box'], id: '0123456789abcdef0123456789abcdef' }]);
    controller.abort(new Error('cancelled'));
    await expect(work).rejects.toThrow('cancelled');
    expect(trackedContainers()).toEqual([]);
  });

  it('is not tracked once a run that left it running on purpose (-d) has ended', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    await podman.execute({ args: ['run', '--quick', 'shop:1'] }, createToolContext(ws));
    expect(trackedContainers()).toEqual([]);
  });
});

describe('a container run that fails', () => {
  const ID = '0123456789abcdef0123456789abcdef';

  it('has the container it created removed when that is not running, so a retry gets the name and fails on the first cause', async () => {
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    const args = ['run', '-d', '--name', 'web', '--no-such-executable', 'shop:1'];
    await expect(podman.execute({ args }, createToolContext(ws))).rejects.toThrow('podman exited with code 127: Error: executable file not found in $PATH');
    const [run, inspect, remove] = await calls();
    expect(run).toMatch(/^run --cidfile \/\S+\/cid -d --name web --no-such-executable shop:1$/);
    expect([inspect, remove]).toEqual([`container inspect --format {{.State.Running}} ${ID}`, `rm -f -t 0 ${ID}`]);
  });

  it('leaves a container that is running alone', async () => {
    await writeFile(path.join(ws, 'running'), 'true\n');
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    await expect(podman.execute({ args: ['run', '-d', '--no-such-executable', 'shop:1'] }, createToolContext(ws))).rejects.toThrow('code 127');
    expect((await calls()).slice(1)).toEqual([`container inspect --format {{.State.Running}} ${ID}`]);
  });

  it('leaves the container named in a --cidfile that was there before the run alone: it is not this run\'s', async () => {
    await writeFile(path.join(ws, 'web.cid'), `${ID}\n`);
    const podman = createArgvTool({ name: 'podman', binary: engine, containerEngine: true });
    await expect(podman.execute({ args: ['run', '--refuse', '--cidfile', 'web.cid', 'shop:1'] }, createToolContext(ws))).rejects.toThrow('code 125');
    expect(await calls()).toEqual(['run --refuse --cidfile web.cid shop:1']);
  });
});

describe('runSubcommandAt and givenCidfile', () => {
  it('find `run` and `container run`, not other commands', () => {
    expect(runSubcommandAt(['run', 'img'])).toBe(0);
    expect(runSubcommandAt(['container', 'run', 'img'])).toBe(1);
    expect(runSubcommandAt(['build', '-t', 'run', '.'])).toBeUndefined();
    expect(runSubcommandAt(['container', 'rm', 'run'])).toBeUndefined();
  });

  it('find `run` after global options, with their values or without', () => {
    expect(runSubcommandAt(['--log-level=error', 'run', 'img'])).toBe(1);
    expect(runSubcommandAt(['--context', 'prod', 'run', 'img'])).toBe(2);
    expect(runSubcommandAt(['-H', 'tcp://h:2375', '--tls', 'container', 'run', 'img'])).toBe(4);
    expect(runSubcommandAt(['--remote', '--connection', 'box', 'run', 'img'])).toBe(3);
    expect(runSubcommandAt(['--context', 'run', 'ps'])).toBeUndefined();
    expect(runSubcommandAt(['--', 'run'])).toBeUndefined();
  });

  it('read --cidfile in both spellings, not past --', () => {
    expect(givenCidfile(['run', '--cidfile', 'a.cid', 'img'], 1)).toBe('a.cid');
    expect(givenCidfile(['run', '--cidfile=b.cid', 'img'], 1)).toBe('b.cid');
    expect(givenCidfile(['run', 'img', '--', '--cidfile', 'x'], 1)).toBeUndefined();
    expect(givenCidfile(['run', 'img'], 1)).toBeUndefined();
  });
});
