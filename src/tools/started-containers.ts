import path from 'node:path';
import { quickCommand } from './quick-command.js';
import { quoteArg } from './quote-arg.js';

/**
 * The containers that running `docker run` / `podman run` steps created. A
 * container is not in the client's process tree: when ksa dies (kill -9) or
 * stops at once, killing the client leaves it running, holding its name
 * against the step's next attempt. So a run records them, and resume or cancel
 * removes them; only by the recorded id, which no other container can have.
 */
export type StartedContainer = {
  /** The engine's program (`podman`, `docker`) and the global options the step gave it, to reach the same engine. */
  readonly binary: string;
  readonly globals: readonly string[];
  readonly id: string;
};

/** A container as its removal found it: named where the engine said its name. */
export type RemovedContainer = StartedContainer & { readonly name?: string };

export const CONTAINER_ID = /^[0-9a-f]{12,64}$/;
/** podman: "no such container"; docker: "No such object" / "No such container". */
const NO_SUCH_CONTAINER = /no such (container|object)/i;

const live = new Map<string, StartedContainer>();
const listeners = new Set<(containers: readonly StartedContainer[]) => void>();

/** Remembers a container until the returned function is called (its step has ended, or removed it). */
export function trackContainer(container: StartedContainer): () => void {
  live.set(container.id, container);
  notify();
  return () => {
    if (live.get(container.id) === container && live.delete(container.id)) notify();
  };
}

/** Hears every change of the tracked containers, so a run can record them as they come and go. */
export function onContainersChanged(listener: (containers: readonly StartedContainer[]) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function trackedContainers(): readonly StartedContainer[] {
  return [...live.values()];
}

function notify(): void {
  if (listeners.size === 0) return;
  const containers = trackedContainers();
  for (const listener of listeners) listener(containers);
}

/**
 * Removes the containers, whatever they are doing. `removed` existed and are
 * gone; `failed` the engine would not remove (or not within `timeoutMs`);
 * `unknown` the engine did not answer about (not installed, or too slow): not
 * worth a word, but not known to be gone either. One already gone is in none
 * of them. Never throws.
 */
export async function removeContainers(containers: readonly StartedContainer[], timeoutMs: number): Promise<{ removed: RemovedContainer[]; failed: RemovedContainer[]; unknown: StartedContainer[] }> {
  const outcomes = await Promise.all(containers.map((container) => removeOne(container, timeoutMs)));
  const having = (status: Outcome['status']) => outcomes.flatMap((outcome) => (outcome.status === status ? [outcome.container] : []));
  return { removed: having('removed'), failed: having('failed'), unknown: having('unknown') };
}

type Outcome = { readonly status: 'removed' | 'failed' | 'unknown' | 'gone'; readonly container: RemovedContainer };

async function removeOne(container: StartedContainer, timeoutMs: number): Promise<Outcome> {
  const run = (args: readonly string[]) => quickCommand(container.binary, [...container.globals, ...args], { env: process.env, timeoutMs });
  // The name is what the user knows it by (and what a retry was refused); asking also tells it still exists.
  const inspected = await run(['container', 'inspect', '--format', '{{.Name}}', container.id]);
  if (inspected === undefined) return { status: 'unknown', container };
  // Only the engine's own "no such container" says it is gone: a daemon it cannot reach says otherwise.
  if (inspected.exitCode !== 0) return { status: NO_SUCH_CONTAINER.test(inspected.stderr) ? 'gone' : 'failed', container };
  const name = inspected.stdout.trim().replace(/^\//, '');
  const named = name === '' ? container : { ...container, name };
  const removed = await run(removeArgs(container.binary, container.id));
  return { status: removed?.exitCode === 0 ? 'removed' : 'failed', container: named };
}

/** `rm -f` without a stop timeout where the engine has one: whoever removes it has given up on the container. */
export function removeArgs(binary: string, id: string): string[] {
  return path.basename(binary) === 'podman' ? ['rm', '-f', '-t', '0', id] : ['rm', '-f', id];
}

/** "web, 9c1d0e5b7a21" for messages: the name where known, else the short id. */
export function containerNames(containers: readonly RemovedContainer[]): string {
  return containers.map((container) => container.name ?? container.id.slice(0, 12)).join(', ');
}

/** The warning for containers that could not be removed, with the command that removes them by hand. */
export function unremovedContainersText(containers: readonly RemovedContainer[], by: string): string {
  const commands = containers.map((container) => [container.binary, ...container.globals, 'rm', '-f', container.id.slice(0, 12)].map(quoteArg).join(' '));
  return `could not remove ${containers.length > 1 ? `${containers.length} containers` : 'the container'} ${by} (${containerNames(containers)}); remove ${containers.length > 1 ? 'them' : 'it'} with: ${commands.join('; ')}`;
}
