import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quickCommand } from './quick-command.js';
import { CONTAINER_ID, removeArgs, trackContainer } from './started-containers.js';

// Bounds the removal: an engine that hangs must not hold the run's end.
const REMOVE_TIMEOUT_MS = 15_000;
// How often the id file is read until the engine has written it: a crash in between loses only that much.
const CIDFILE_POLL_MS = 50;

/**
 * A `docker run` / `podman run` prepared so that its container can be found
 * again. Killing the client does not stop the container (it is not in the
 * client's process tree), so a step that times out or is cancelled would leave
 * it running, and a retry would then fail on its name. The engine writes the
 * container's id to a `--cidfile` as soon as it creates it; after an abort that
 * id is removed. A run that fails once its container exists (no such executable
 * in the image, a host port in use) leaves it created or exited: it is removed
 * too, or every retry would fail on its name and hide the first cause.
 */
export type ContainerRun = {
  /** The arguments to run: the step's, with a `--cidfile` added unless it has one. */
  readonly args: readonly string[];
  /**
   * Tracks the container (started-containers) from the moment the engine writes its id until the
   * returned function is called, once the client has ended and its container was dealt with.
   */
  track(): () => void;
  /** Removes the container the run created, if any; never throws. */
  removeContainer(): Promise<void>;
  /** After a failed run: removes the container it created unless that is running; never throws. */
  removeUnlessRunning(): Promise<void>;
  /** Deletes the temporary id file. */
  dispose(): Promise<void>;
};

/**
 * The global options of docker and podman that take a value as the next argument
 * (`--context prod run …`, `--connection remote run …`); the others are flags, and
 * `--option=value` holds its own value.
 */
const GLOBAL_OPTIONS_WITH_VALUE = new Set([
  // docker
  '-c', '--context', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey',
  // podman
  '--connection', '--url', '--identity', '--root', '--runroot', '--runtime', '--runtime-flag', '--storage-driver', '--storage-opt',
  '--cgroup-manager', '--conmon', '--events-backend', '--hooks-dir', '--imagestore', '--module', '--network-cmd-path',
  '--network-config-dir', '--out', '--ssh', '--tmpdir', '--volumepath', '--db-backend',
]);

/**
 * Where the `run` subcommand is: `run …` or `container run …`, after any global
 * options (`--context prod run …`, `--remote run …`).
 */
export function runSubcommandAt(args: readonly string[]): number | undefined {
  const at = subcommandAt(args);
  if (args[at] === 'run') return at;
  if (args[at] === 'container' && args[at + 1] === 'run') return at + 1;
  return undefined;
}

/** Where the subcommand starts: past the global options and their values. */
function subcommandAt(args: readonly string[]): number {
  let at = 0;
  while (at < args.length && args[at]!.startsWith('-') && args[at] !== '--') at += GLOBAL_OPTIONS_WITH_VALUE.has(args[at]!) ? 2 : 1;
  return at;
}

/** The `--cidfile` the step already passes, if any (`--cidfile x` or `--cidfile=x`), up to `--`. */
export function givenCidfile(args: readonly string[], from: number): string | undefined {
  for (let i = from; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (arg === '--cidfile') return args[i + 1];
    if (arg.startsWith('--cidfile=')) return arg.slice('--cidfile='.length);
  }
  return undefined;
}

/** Undefined when the arguments are not a `run` (nothing to clean up). */
export async function prepareContainerRun(binary: string, args: readonly string[], cwd: string): Promise<ContainerRun | undefined> {
  const at = runSubcommandAt(args);
  if (at === undefined) return undefined;
  const given = givenCidfile(args, at + 1);
  // The removal of the run's container must reach the same engine: the same global options.
  const globals = args.slice(0, subcommandAt(args));
  if (given !== undefined) {
    const cidfile = path.resolve(cwd, given);
    // An id already there is another run's (the engine refuses such a file): only a new one is this run's.
    const before = await containerIdIn(cidfile);
    const engine = new Engine(binary, globals, cidfile, before);
    return { args, track: () => engine.track(), removeContainer: () => engine.remove(), removeUnlessRunning: () => engine.removeUnlessRunning(), dispose: async () => {} };
  }
  // A fresh folder: the engine refuses a --cidfile that already exists.
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-cid-'));
  const engine = new Engine(binary, globals, path.join(dir, 'cid'), undefined);
  return {
    args: [...args.slice(0, at + 1), '--cidfile', path.join(dir, 'cid'), ...args.slice(at + 1)],
    track: () => engine.track(),
    removeContainer: () => engine.remove(),
    removeUnlessRunning: () => engine.removeUnlessRunning(),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The engine a run went to, reached with the same global options, and the container it created there. */
class Engine {
  constructor(
    private readonly binary: string,
    private readonly globals: readonly string[],
    private readonly cidfile: string,
    private readonly idBefore: string | undefined,
  ) {}

  track(): () => void {
    let untrack: (() => void) | undefined;
    let stopped = false;
    let reading = false;
    const timer = setInterval(() => {
      if (reading) return;
      reading = true;
      void this.createdId().then((id) => {
        reading = false;
        if (id === undefined || untrack !== undefined || stopped) return;
        clearInterval(timer);
        untrack = trackContainer({ binary: this.binary, globals: this.globals, id });
      });
    }, CIDFILE_POLL_MS);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
      untrack?.();
    };
  }

  async remove(): Promise<void> {
    const id = await this.createdId();
    if (id !== undefined) await this.removeById(id);
  }

  async removeUnlessRunning(): Promise<void> {
    const id = await this.createdId();
    if (id === undefined) return;
    const state = await this.command(['container', 'inspect', '--format', '{{.State.Running}}', id]);
    // Gone already (--rm) or not answering: nothing to remove, or nothing known.
    if (state?.exitCode !== 0 || state.stdout.trim() !== 'false') return;
    await this.removeById(id);
  }

  /** Undefined when nothing was created yet (or the file is not an id, or not this run's). */
  private async createdId(): Promise<string | undefined> {
    const id = await containerIdIn(this.cidfile);
    return id === this.idBefore ? undefined : id;
  }

  private async removeById(id: string): Promise<void> {
    // The client already had its grace period to stop the container: no second one.
    await this.command(removeArgs(this.binary, id));
  }

  private command(args: readonly string[]) {
    return quickCommand(this.binary, [...this.globals, ...args], { env: process.env, timeoutMs: REMOVE_TIMEOUT_MS });
  }
}

async function containerIdIn(cidfile: string): Promise<string | undefined> {
  const id = await readFile(cidfile, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  return CONTAINER_ID.test(id) ? id : undefined;
}
