import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quickCommand } from './quick-command.js';

// Bounds the removal: an engine that hangs must not hold the run's end.
const REMOVE_TIMEOUT_MS = 15_000;
const CONTAINER_ID = /^[0-9a-f]{12,64}$/;

/**
 * A `docker run` / `podman run` prepared so that its container can be found
 * again. Killing the client does not stop the container (it is not in the
 * client's process tree), so a step that times out or is cancelled would leave
 * it running, and a retry would then fail on its name. The engine writes the
 * container's id to a `--cidfile` as soon as it creates it; after an abort that
 * id is removed.
 */
export type ContainerRun = {
  /** The arguments to run: the step's, with a `--cidfile` added unless it has one. */
  readonly args: readonly string[];
  /** Removes the container the run created, if any; never throws. */
  removeContainer(): Promise<void>;
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
    return { args, removeContainer: () => removeContainerOf(binary, globals, path.resolve(cwd, given)), dispose: async () => {} };
  }
  // A fresh folder: the engine refuses a --cidfile that already exists.
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-cid-'));
  const cidfile = path.join(dir, 'cid');
  return {
    args: [...args.slice(0, at + 1), '--cidfile', cidfile, ...args.slice(at + 1)],
    removeContainer: () => removeContainerOf(binary, globals, cidfile),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function removeContainerOf(binary: string, globals: readonly string[], cidfile: string): Promise<void> {
  const id = await readFile(cidfile, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  // Nothing was created yet (or the file is not an id): nothing to remove.
  if (!CONTAINER_ID.test(id)) return;
  // The client already had its grace period to stop the container: no second one.
  const args = [...globals, ...(path.basename(binary) === 'podman' ? ['rm', '-f', '-t', '0', id] : ['rm', '-f', id])];
  await quickCommand(binary, args, { env: process.env, timeoutMs: REMOVE_TIMEOUT_MS });
}
